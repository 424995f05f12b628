package process

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// startNamed starts a copy of sleep named name with args, holding a few
// extra descriptors, and kills it in t.Cleanup.
func startNamed(t *testing.T, name string, args ...string) *exec.Cmd {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(sleep)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	f1, _ := os.Open(bin)
	f2, _ := os.Open("/dev/null")
	cmd := exec.Command(bin, append([]string{"300"}, args...)...)
	cmd.ExtraFiles = []*os.File{f1, f2}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	f1.Close()
	f2.Close()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}

// TestProcessOverSSH matches real processes started here by name and by
// pattern through a real sshd, and checks each figure against /proc.
func TestProcessOverSSH(t *testing.T) {
	a := startNamed(t, "mendproc", "1")
	time.Sleep(1100 * time.Millisecond) // so the two start times differ
	b := startNamed(t, "mendproc", "2")
	startNamed(t, "mendother", "1")
	h := sshtest.Start(t).Host(t)
	ctx := context.Background()

	resp, err := Type{}.Diagnose(ctx, steps.DiagnoseRequest{Config: &Config{Name: "mendproc"}, Host: h})
	if err != nil {
		t.Fatalf("Diagnose: %v", err)
	}
	if errs := resp.Output.Type().TestConformance(Type{}.Output()); len(errs) > 0 {
		t.Fatalf("output does not conform: %v", errs)
	}
	me, _ := user.Current()
	var got []map[string]string
	for _, p := range resp.Output.GetAttr("processes").AsValueSlice() {
		m := map[string]string{}
		for k, v := range p.AsValueMap() {
			m[k] = render(v)
		}
		up, _ := strconv.Atoi(m["uptime_s"])
		if up > 120 {
			t.Errorf("pid %s uptime_s = %d, want seconds", m["pid"], up)
		}
		st, err := time.Parse(time.RFC3339, m["start_time"])
		if err != nil || time.Since(st) > 2*time.Minute || time.Since(st) < -2*time.Second {
			t.Errorf("pid %s start_time = %s (%v), want just now", m["pid"], m["start_time"], err)
		}
		delete(m, "uptime_s")
		delete(m, "start_time")
		got = append(got, m)
	}
	want := []map[string]string{procWant(t, a, me.Username, "300 1"), procWant(t, b, me.Username, "300 2")}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("processes, oldest first (-want +got):\n%s", d)
	}
	if resp.Summary != `2 processes match name "mendproc"` {
		t.Errorf("Summary = %q", resp.Summary)
	}

	resp, err = Type{}.Diagnose(ctx, steps.DiagnoseRequest{Config: &Config{Pattern: ` 300 1$`}, Host: h})
	if err != nil {
		t.Fatalf("Diagnose(pattern): %v", err)
	}
	var names []string
	for _, p := range resp.Output.GetAttr("processes").AsValueSlice() {
		names = append(names, p.GetAttr("name").AsString())
	}
	if d := cmp.Diff([]string{"mendproc", "mendother"}, names); d != "" {
		t.Errorf("pattern matched (-want +got):\n%s", d)
	}

	resp, err = Type{}.Diagnose(ctx, steps.DiagnoseRequest{Config: &Config{Pattern: `mend-no-such-process-\d+`}, Host: h})
	if err != nil || resp.Output.GetAttr("running").True() || resp.Summary != `no process matches pattern "mend-no-such-process-\\d+"` {
		t.Errorf("no match: running %#v, %q, %v", resp.Output.GetAttr("running"), resp.Summary, err)
	}
}

// procWant is what the step should say about cmd, read from /proc here.
func procWant(t *testing.T, cmd *exec.Cmd, user, args string) map[string]string {
	pid := cmd.Process.Pid
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Fatal(err)
	}
	status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	var rssKB int
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			rssKB, _ = strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
	return map[string]string{"pid": fmt.Sprint(pid), "ppid": fmt.Sprint(os.Getpid()), "user": user, "name": filepath.Base(cmd.Path),
		"command": cmd.Path + " " + args, "state": "S", "rss_bytes": fmt.Sprint(rssKB * 1024), "fds": fmt.Sprint(len(fds))}
}

func render(v cty.Value) string {
	switch v.Type() {
	case cty.String:
		return v.AsString()
	case cty.Number:
		return v.AsBigFloat().Text('f', -1)
	}
	return v.GoString()
}

// TestProcessLeavesOutMendsRunner: the SSH transport's runner (a shell
// mend keeps on the host to run its commands) is mend's own, not a
// process of the host's: a pattern naming it matches nothing, on the
// runner as on a session of its own.
func TestProcessLeavesOutMendsRunner(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	steps.MoreCommands(h) // every command on the runner
	ctx := context.Background()
	for range 2 {
		resp, err := Type{}.Diagnose(ctx, steps.DiagnoseRequest{Config: &Config{Pattern: `-s mend-runner$`}, Host: h})
		if err != nil {
			t.Fatalf("Diagnose: %v", err)
		}
		if resp.Output.GetAttr("running").True() {
			t.Errorf("mend's runner matched: %s", resp.Summary)
		}
	}
}
