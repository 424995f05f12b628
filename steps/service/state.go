package service

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/mend-sh/mend/steps"
)

// supervisor reads and drives one service under one supervisor.
type supervisor interface {
	// String names the service for messages: `systemd unit "etcd"`.
	String() string
	// status reads the service's current state from the host.
	status(ctx context.Context, h steps.Host) (State, error)
	// command is the exact shell command that performs action, waiting at
	// most wait where the supervisor can wait itself.
	command(action string, wait time.Duration) string
}

// State is a service's state as its supervisor reports it.
type State struct {
	// Active is true when the service is up and its main process runs:
	// systemd ActiveState=active with SubState=running, runit "run".
	Active bool
	// State is the supervisor's word: "active/running", "failed/failed"
	// (systemd ActiveState/SubState), "run", "down", "finish" (runit).
	State string
	// PID is the main process id; 0 when there is none.
	PID int
	// InvocationID identifies one run of the service: systemd's
	// InvocationID, or for runit "<pid>@<start unix time>.<nanoseconds>"
	// from supervise/status. Empty when the service is not running.
	InvocationID string
	// UptimeSeconds is, by the host's clock, how long the main process has
	// been running (systemd; 0 when not active) or how long the service
	// has been in its current state (runit: up, or down).
	UptimeSeconds float64
	// Restarts is systemd's NRestarts; -1 when unknown (runit, old systemd).
	Restarts int
	// NeedDaemonReload is systemd's NeedDaemonReload: the unit file changed
	// on disk since it was loaded.
	NeedDaemonReload bool
	// RestartPending is true when no process runs but the supervisor will
	// start one on its own: runit "down ..., want up" (runsv sleeps a
	// second after a crash, then restarts), systemd SubState auto-restart.
	// Such a service is not stopped, only between two crashes.
	RestartPending bool
}

// stopped reports whether the service is down and stays down.
func (s State) stopped() bool { return !s.Active && s.PID == 0 && !s.RestartPending }

// sameInstance reports whether s and o are the same run of the service:
// same invocation, same main pid, no restart in between.
func (s State) sameInstance(o State) bool {
	return s.InvocationID == o.InvocationID && s.PID == o.PID && s.Restarts == o.Restarts
}

// String is one line for summaries: "active/running, pid 42, up 3s".
func (s State) String() string {
	if s.PID == 0 {
		return fmt.Sprintf("%s for %.0fs", s.State, s.UptimeSeconds)
	}
	return fmt.Sprintf("%s, pid %d, up %.0fs", s.State, s.PID, s.UptimeSeconds)
}

// statusAttrs is the output type of service_status.
var statusAttrs = map[string]cty.Type{
	"active":        cty.Bool,
	"state":         cty.String,
	"pid":           cty.Number,
	"invocation_id": cty.String,
	"uptime_s":      cty.Number,
	"restarts":      cty.Number,
}

// values returns s as output attributes; restarts is null when unknown.
func (s State) values() map[string]cty.Value {
	restarts := cty.NullVal(cty.Number)
	if s.Restarts >= 0 {
		restarts = cty.NumberIntVal(int64(s.Restarts))
	}
	return map[string]cty.Value{
		"active":        cty.BoolVal(s.Active),
		"state":         cty.StringVal(s.State),
		"pid":           cty.NumberIntVal(int64(s.PID)),
		"invocation_id": cty.StringVal(s.InvocationID),
		"uptime_s":      cty.NumberFloatVal(math.Round(s.UptimeSeconds*1000) / 1000),
		"restarts":      restarts,
	}
}
