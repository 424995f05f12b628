// Package engine runs runbooks: Plan runs the diagnoses for real and asks
// every repair for a preview without changing anything; Apply runs the
// diagnoses again, stops at approval gates, runs the repairs and writes an
// audit record before (intent) and after every step on every host.
//
// The entry points are (*Engine).Plan and (*Engine).Apply; both return a
// *Run value that views render. The engine never prints: it reports
// progress through a Hook. It never imports a transport or the built-in
// step list: the CLI wires a Connector and a steps.Registry in, so engine
// tests run on fakes and end-to-end tests on a real sshd.
//
// With Options.HostLocks, an apply holds a lock on every target host
// itself (package hostlock; hostlock.go) from before its first step there
// to the end of the run, and a plan shows who holds one.
package engine
