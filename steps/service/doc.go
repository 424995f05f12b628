// Package service holds the service types: the diagnose type
// service_status (Status), which reads a service's state from its
// supervisor, and the repair type service (Repair), which restarts,
// starts, stops or reloads a service and then proves it came back.
//
// "Came back" means more than a zero exit status from systemctl or sv: the
// service is running, it is a new instance (a new systemd InvocationID, or
// a new runit pid and start time) when the action was a restart, and it
// stays the same instance for a stability window. A crash loop looks
// "active" between crashes; the stability window is what catches it.
//
// Two supervisors are supported: systemd (systemctl show/restart) and
// runit (sv, plus the supervise/status file that runsv maintains). Both
// are driven through steps.Host.Exec and ReadFile, so they work over SSH
// and on the local machine alike.
package service
