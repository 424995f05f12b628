package process

import (
	"bytes"
	"context"
	"strconv"
	"strings"

	"github.com/mend-sh/mend/internal/hostscript"
	"github.com/mend-sh/mend/steps"
)

// listScript prints every process's pid, parent pid and name (from
// /proc/PID/comm, read with the shell's builtin read: no process per
// pid), then a marker, then each pid's parent and command line from ps.
// The first line is the script's own pid, so it and its children (ps,
// cut, head) are left out of the matches; "mend-proc-list" in its text
// marks the wrappers that run it, and the runner that runs those is left
// out too (isRunner).
const listScript = `export LC_ALL=C
echo "mend-self $$"
for d in /proc/[0-9]*; do
  IFS= read -r c < "$d/comm" 2>/dev/null && printf '%s\t%s\n' "${d#/proc/}" "$c"
done | head -n 50000
echo mend-proc-list
ps -e -ww -o pid= -o ppid= -o args= | cut -c1-2048 | head -n 50000`

// listed is one process from the listing.
type listed struct {
	pid, ppid     int64
	name, command string
}

// list reads the host's processes. It leaves out the listing's own.
func list(ctx context.Context, host steps.Host) ([]listed, error) {
	r, err := hostscript.Run(ctx, host, listScript)
	if err != nil {
		return nil, err
	}
	if r.ExitCode != 0 {
		return nil, r.Failed("listing processes")
	}
	return parseList(r.Stdout)
}

func parseList(b []byte) ([]listed, error) {
	head, rest, ok := bytes.Cut(b, []byte("\nmend-proc-list\n"))
	self, names, ok2 := bytes.Cut(head, []byte("\n"))
	selfPID, err := strconv.ParseInt(strings.TrimPrefix(string(self), "mend-self "), 10, 64)
	if !ok || !ok2 || err != nil {
		return nil, steps.Errorf(steps.ClassStep, "listing processes: the output is not a process list (%s)", hostscript.Text(b, 80))
	}
	nameOf := map[int64]string{}
	lines, _ := hostscript.Lines(names, maxListed)
	for _, line := range lines {
		pid, name, ok := strings.Cut(string(line), "\t")
		if n, err := strconv.ParseInt(pid, 10, 64); ok && err == nil {
			nameOf[n] = hostscript.Text([]byte(name), 64)
		}
	}
	var out []listed
	lines, _ = hostscript.Lines(rest, maxListed)
	for _, line := range lines {
		f := hostscript.Fields(line, 3)
		if len(f) < 2 {
			continue
		}
		pid, err1 := strconv.ParseInt(string(f[0]), 10, 64)
		ppid, err2 := strconv.ParseInt(string(f[1]), 10, 64)
		if err1 != nil || err2 != nil || pid == selfPID || ppid == selfPID {
			continue
		}
		p := listed{pid: pid, ppid: ppid, name: nameOf[pid]}
		if len(f) == 3 {
			p.command = hostscript.Text(f[2], 2048)
		}
		if strings.Contains(p.command, "mend-proc-list") {
			continue // the wrapper (sh -c, sudo) running this very script
		}
		if isRunner(p.command) {
			continue // mend's own shell on the host (the SSH transport's runner), running this script
		}
		out = append(out, p)
	}
	return out, nil
}

// isRunner reports whether a command line is the SSH transport's runner
// (transport/ssh: "/bin/sh -s mend-runner", possibly under sudo and
// setsid): mend's own shell, never what a runbook looks for.
func isRunner(command string) bool {
	return strings.HasSuffix(command, " -s mend-runner")
}
