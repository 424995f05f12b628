package labtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Diagnose describes, from the machine's side (no SSH: the host's sshd may
// be what is broken), the runit state of service on a lab host: the
// processes of the host (pid, parent, group, state, kernel wait channel,
// age, command line; runsvdir's command line carries runsv's warnings),
// the service's supervise/ files with their times and the status bytes
// decoded, each runsv's signal masks, and the tail of the service's log.
// For a test to print when a service does not come up.
func (l *Lab) Diagnose(host, service string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "== runit diagnosis of %s on %s at %s\n", service, host, time.Now().UTC().Format("15:04:05.000"))
	init := l.initPID(host)
	if init == 0 {
		b.WriteString("host init (runsvdir) not found\n")
	} else {
		for _, pid := range subtree(init) {
			b.WriteString(procLine(pid))
		}
	}
	sup := l.HostPath(host, "etc-lab", "service", service, "supervise")
	if out, err := exec.Command("ls", "-la", "--time-style=full-iso", sup).CombinedOutput(); err == nil {
		b.Write(out)
	} else {
		fmt.Fprintf(&b, "ls %s: %v\n", sup, err)
	}
	if st, err := os.ReadFile(filepath.Join(sup, "status")); err == nil && len(st) == 20 {
		pid := int(st[12]) | int(st[13])<<8 | int(st[14])<<16 | int(st[15])<<24
		fmt.Fprintf(&b, "status: pid %d paused %d want %q term %d state %d\n", pid, st[16], st[17], st[18], st[19])
	}
	if st, err := os.ReadFile(filepath.Join(sup, "stat")); err == nil {
		fmt.Fprintf(&b, "stat: %s", st)
	}
	logf := l.HostPath(host, "var-log", service, "current")
	if out, err := exec.Command("tail", "-c", "2000", logf).CombinedOutput(); err == nil {
		fmt.Fprintf(&b, "tail of %s:\n%s\n", logf, out)
	}
	return b.String()
}

// initPID is the pid (in the machine's namespace) of the host's init,
// runsvdir: the child of the unshare that runs boot.sh for the host.
func (l *Lab) initPID(host string) int {
	want := "boot.sh " + host + " " + filepath.Join(l.Dir, "hosts", host)
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmd, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if !strings.HasPrefix(string(cmd), "unshare") || !strings.Contains(strings.ReplaceAll(string(cmd), "\x00", " "), want) {
			continue
		}
		kids, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
		if f := strings.Fields(string(kids)); len(f) > 0 {
			n, _ := strconv.Atoi(f[0])
			return n
		}
	}
	return 0
}

// subtree is pid and its descendants, parents first (bounded depth).
func subtree(pid int) []int {
	out := []int{pid}
	for i := 0; i < len(out) && i < 2000; i++ {
		kids, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", out[i], out[i]))
		for _, f := range strings.Fields(string(kids)) {
			if n, err := strconv.Atoi(f); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

func procLine(pid int) string {
	p := func(name string) string {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/%s", pid, name))
		return string(b)
	}
	stat := p("stat")
	state, ppid, pgid := "?", "?", "?"
	if i := strings.LastIndex(stat, ")"); i > 0 {
		if f := strings.Fields(stat[i+1:]); len(f) > 3 {
			state, ppid, pgid = f[0], f[1], f[2]
		}
	}
	var masks []string
	for _, line := range strings.Split(p("status"), "\n") {
		if strings.HasPrefix(line, "SigBlk") || strings.HasPrefix(line, "SigPnd") || strings.HasPrefix(line, "ShdPnd") {
			masks = append(masks, strings.Join(strings.Fields(line), " "))
		}
	}
	cmd := strings.TrimSpace(strings.ReplaceAll(p("cmdline"), "\x00", " "))
	return fmt.Sprintf("pid %d ppid %s pgid %s state %s wchan %s [%s] %s\n", pid, ppid, pgid, state, p("wchan"), strings.Join(masks, "; "), cmd)
}
