package service

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mend-sh/mend/internal/shell"
	"github.com/mend-sh/mend/steps"
)

// systemd drives a systemd unit with systemctl.
type systemd struct{ unit string }

// showProperties are the properties systemdStatusCommand asks for. They
// are parsed as Key=Value lines: `systemctl show --value` prints values in
// the unit's property order, not the order asked, so it cannot be parsed
// reliably.
const showProperties = "LoadState,ActiveState,SubState,MainPID,InvocationID,NRestarts,ExecMainStartTimestampMonotonic,NeedDaemonReload"

func (s systemd) String() string { return fmt.Sprintf("systemd unit %q", s.unit) }

// statusCommand prints the unit's properties and, as HostUptime, the
// host's seconds since boot, to turn the monotonic start time into an
// uptime by the host's own clock.
func (s systemd) statusCommand() string {
	return "systemctl show -p " + showProperties + " " + shell.Quote(s.unit) +
		` && echo "HostUptime=$(cut -d' ' -f1 /proc/uptime)"`
}

// command is `systemctl <action> <unit>`. systemctl waits for the job
// itself (for Type=notify, until READY=1); wait is enforced by the caller.
func (s systemd) command(action string, _ time.Duration) string {
	return "systemctl " + action + " " + shell.Quote(s.unit)
}

func (s systemd) status(ctx context.Context, h steps.Host) (State, error) {
	cmd := s.statusCommand()
	res, err := h.Exec(ctx, steps.ExecRequest{Command: cmd})
	if err != nil {
		return State{}, fmt.Errorf("%s: %w", s, err)
	}
	if res.ExitCode != 0 {
		return State{}, steps.Errorf(steps.ClassExitStatus, "%s: %s exited %d: %s",
			s, cmd, res.ExitCode, firstLine(res.Stderr, res.Stdout))
	}
	st, err := parseShow(res.Stdout)
	if err != nil {
		return State{}, fmt.Errorf("%s: %w", s, err)
	}
	return st, nil
}

// parseShow reads systemctl show's Key=Value lines (plus HostUptime) into
// a State. A unit that systemd does not know is an error.
func parseShow(out []byte) (State, error) {
	props := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			props[k] = v
		}
	}
	if ls := props["LoadState"]; ls != "loaded" {
		return State{}, steps.Errorf(steps.ClassStep, "unit is not loaded (LoadState=%s)", ls)
	}
	st := State{
		State:            props["ActiveState"] + "/" + props["SubState"],
		Active:           props["ActiveState"] == "active" && props["SubState"] == "running",
		RestartPending:   props["SubState"] == "auto-restart",
		InvocationID:     props["InvocationID"],
		NeedDaemonReload: props["NeedDaemonReload"] == "yes",
		Restarts:         -1,
	}
	var err error
	if st.PID, err = atoiProp(props, "MainPID"); err != nil {
		return State{}, err
	}
	if v, ok := props["NRestarts"]; ok && v != "" {
		if st.Restarts, err = atoiProp(props, "NRestarts"); err != nil {
			return State{}, err
		}
	}
	st.UptimeSeconds = uptime(props["ExecMainStartTimestampMonotonic"], props["HostUptime"])
	if !st.Active {
		st.UptimeSeconds = 0
	}
	return st, nil
}

func atoiProp(props map[string]string, key string) (int, error) {
	n, err := strconv.Atoi(props[key])
	if err != nil {
		return 0, steps.Errorf(steps.ClassStep, "systemctl show: %s=%q is not a number", key, props[key])
	}
	return n, nil
}

// uptime is host seconds since boot minus the main process's start on the
// monotonic clock (microseconds); 0 when either is missing. /proc/uptime
// also counts suspended time, so on a machine that was suspended this
// overstates the uptime; servers do not suspend.
func uptime(startMicros, hostUptime string) float64 {
	start, err1 := strconv.ParseFloat(startMicros, 64)
	now, err2 := strconv.ParseFloat(hostUptime, 64)
	if err1 != nil || err2 != nil || start <= 0 {
		return 0
	}
	return max(now-start/1e6, 0)
}

// firstLine returns the first non-empty line of the first non-empty
// buffer, for error messages.
func firstLine(bufs ...[]byte) string {
	for _, b := range bufs {
		if line, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n"); line != "" {
			return line
		}
	}
	return "(no output)"
}
