package local

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps"
)

func bytesEqual(a, b []byte) bool { return string(a) == string(b) }

// TestExecContextKillsProcessGroup proves a done context kills the shell
// and the children it started, SIGKILLing those that ignore SIGTERM after
// the grace, and classifies the error.
func TestExecContextKillsProcessGroup(t *testing.T) {
	tests := []struct {
		name      string
		command   string
		cancel    bool // cancel instead of a deadline
		wantClass steps.ErrorClass
		minTime   time.Duration
	}{
		{"deadline kills a child sleep", "sleep 30 & echo $! > PIDFILE; wait", false, steps.ClassTimeout, 0},
		{"cancel kills a child sleep", "sleep 30 & echo $! > PIDFILE; wait", true, steps.ClassCanceled, 0},
		{"child ignoring SIGTERM gets SIGKILL after the grace",
			"trap '' TERM; sleep 30 & echo $! > PIDFILE; wait", false, steps.ClassTimeout, 300 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pidFile := filepath.Join(t.TempDir(), "pid")
			cmd := strings.ReplaceAll(tt.command, "PIDFILE", pidFile)
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			if tt.cancel {
				ctx, cancel = context.WithCancel(context.Background())
				time.AfterFunc(300*time.Millisecond, cancel)
			}
			defer cancel()
			start := time.Now()
			_, err := Host{KillGrace: 300 * time.Millisecond}.Exec(ctx, steps.ExecRequest{Command: cmd})
			elapsed := time.Since(start)
			if got := steps.Classify(err); got != tt.wantClass {
				t.Fatalf("Classify(%v) = %q, want %q", err, got, tt.wantClass)
			}
			if elapsed > 5*time.Second || elapsed < 300*time.Millisecond+tt.minTime {
				t.Errorf("Exec returned after %v", elapsed)
			}
			assertGone(t, readPid(t, pidFile))
		})
	}
}

// TestExecBackgroundChildDoesNotHoldExec proves a command that leaves a child
// holding stdout open still returns, after the grace, with its exit code.
func TestExecBackgroundChildDoesNotHoldExec(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	start := time.Now()
	got, err := Host{KillGrace: 200 * time.Millisecond}.Exec(context.Background(),
		steps.ExecRequest{Command: "sleep 30 & echo $! > " + pidFile + "; echo started; exit 4"})
	if err != nil {
		t.Fatalf("Exec: %v", err)
	}
	pid := readPid(t, pidFile)
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("Exec returned after %v", elapsed)
	}
	want := steps.ExecResult{ExitCode: 4, Stdout: []byte("started\n")}
	if diff := cmp.Diff(want, got, cmp.Comparer(bytesEqual)); diff != "" {
		t.Errorf("Exec (-want +got):\n%s", diff)
	}
}

func readPid(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("child pid: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("child pid %q: %v", b, err)
	}
	return pid
}

// assertGone fails unless pid has exited (is absent or a zombie) within 2s.
func assertGone(t *testing.T, pid int) {
	t.Helper()
	for i := 0; i < 100; i++ {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil || strings.Contains(string(stat), ") Z ") {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	syscall.Kill(pid, syscall.SIGKILL)
	t.Errorf("process %d still running after Exec returned", pid)
}
