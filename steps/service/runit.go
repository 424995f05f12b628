package service

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mend-sh/mend/internal/shell"
	"github.com/mend-sh/mend/steps"
)

// runit drives a runit service with sv, in the service directory svdir.
type runit struct{ svdir, name string }

func (r runit) String() string { return fmt.Sprintf("runit service %q in %s", r.name, r.svdir) }

// svPrefix is `SVDIR=<dir> sv`: sv looks services up in SVDIR.
func (r runit) svPrefix() string { return "SVDIR=" + shell.Quote(r.svdir) + " sv" }

// command is `SVDIR=<dir> sv -w <seconds> -v <action> <name>`: -v makes sv
// wait (up to -w seconds) until the state changed and exit non-zero on a
// timeout; a plain `sv down` returns before anything happened.
func (r runit) command(action string, wait time.Duration) string {
	secs := max(int(math.Ceil(wait.Seconds())), 1)
	return fmt.Sprintf("%s -w %d -v %s %s", r.svPrefix(), secs, action, shell.Quote(r.name))
}

func (r runit) statusFile() string { return path.Join(r.svdir, r.name, "supervise", "status") }

// status reads `sv status` (state, pid, seconds in state, by the host's
// clock) and runsv's binary supervise/status file (the start time, which
// with the pid identifies one run). The two are read one after the other;
// if the pids disagree the service changed in between and both are read
// again, a bounded number of times.
func (r runit) status(ctx context.Context, h steps.Host) (State, error) {
	const attempts = 3
	for i := 0; ; i++ {
		st, err := r.svStatus(ctx, h)
		if err != nil {
			return State{}, err
		}
		f, err := h.ReadFile(ctx, r.statusFile())
		if err != nil {
			return State{}, fmt.Errorf("%s: %w", r, err)
		}
		rec, err := parseSuperviseStatus(f.Content)
		if err != nil {
			return State{}, fmt.Errorf("%s: %s: %w", r, r.statusFile(), err)
		}
		if rec.pid == st.PID {
			if st.PID != 0 {
				st.InvocationID = fmt.Sprintf("%d@%d.%09d", rec.pid, rec.start.Unix(), rec.start.Nanosecond())
			}
			return st, nil
		}
		if i == attempts-1 {
			return State{}, steps.Errorf(steps.ClassStep, "%s: state kept changing while being read (sv status pid %d, supervise/status pid %d)", r, st.PID, rec.pid)
		}
	}
}

func (r runit) svStatus(ctx context.Context, h steps.Host) (State, error) {
	cmd := r.svPrefix() + " status " + shell.Quote(r.name)
	res, err := h.Exec(ctx, steps.ExecRequest{Command: cmd})
	if err != nil {
		return State{}, fmt.Errorf("%s: %w", r, err)
	}
	st, err := parseSVStatus(string(res.Stdout))
	if err != nil {
		return State{}, steps.Errorf(steps.ClassStep, "%s: %s: %v", r, cmd, err)
	}
	return st, nil
}

// svStatusLine matches the service's part of `sv status`:
// "run: x: (pid 7763) 1s", "down: x: 0s, normally up, want up".
var svStatusLine = regexp.MustCompile(`^(run|down|finish): .*?: (?:\(pid (\d+)\) )?(\d+)s`)

// parseSVStatus reads sv status output. "warning:" (runsv not running)
// and "fail:" (no such service directory) lines are errors quoting sv.
func parseSVStatus(out string) (State, error) {
	line, _, _ := strings.Cut(strings.TrimSpace(out), "\n")
	line, _, _ = strings.Cut(line, "; ") // drop the log service's part
	m := svStatusLine.FindStringSubmatch(line)
	if m == nil {
		if line == "" {
			line = "(no output)"
		}
		return State{}, fmt.Errorf("not supervised: %s", line)
	}
	st := State{State: m[1], Active: m[1] == "run", Restarts: -1,
		RestartPending: m[1] != "run" && strings.Contains(line, ", want up")}
	if m[2] != "" {
		st.PID, _ = strconv.Atoi(m[2])
	}
	secs, _ := strconv.Atoi(m[3])
	st.UptimeSeconds = float64(secs)
	return st, nil
}

// superviseRecord is what runsv writes to supervise/status.
type superviseRecord struct {
	start time.Time // when the current state began
	pid   int       // 0 when down
}

// taiOffset is the TAI64 label of the Unix epoch as runit computes it
// (2^62 plus the 10 s TAI-UTC offset of 1970).
const taiOffset = 1<<62 + 10

// parseSuperviseStatus decodes runsv's 20-byte status record: a TAI64N
// timestamp (8-byte big-endian seconds, 4-byte big-endian nanoseconds),
// the pid (4 bytes, little-endian), then paused, want, term and state
// bytes, which sv status already reports.
func parseSuperviseStatus(b []byte) (superviseRecord, error) {
	if len(b) != 20 {
		return superviseRecord{}, fmt.Errorf("want the 20-byte runsv status record, got %d bytes", len(b))
	}
	secs := int64(binary.BigEndian.Uint64(b[0:8]) - taiOffset)
	nanos := int64(binary.BigEndian.Uint32(b[8:12]))
	return superviseRecord{
		start: time.Unix(secs, nanos),
		pid:   int(binary.LittleEndian.Uint32(b[12:16])),
	}, nil
}
