package ssh_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
)

// TestExec covers what the SSH transport adds to the host contract
// (stepstest.HostConformance covers the rest): the wrapper evals the
// command in dash with no positional parameters and no trace of its own
// variable, as the session leader.
func TestExec(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	tests := []struct {
		name string
		req  steps.ExecRequest
		want steps.ExecResult
	}{
		{"posix sh", steps.ExecRequest{Command: `readlink /proc/$$/exe`}, steps.ExecResult{Stdout: []byte("/usr/bin/dash\n")}},
		{"no positional parameters", steps.ExecRequest{Command: `echo "$# $0 ${__mend_c-unset}"`}, steps.ExecResult{Stdout: []byte("0 mend unset\n")}},
		{"syntax error", steps.ExecRequest{Command: `if then`}, steps.ExecResult{ExitCode: 2, Stderr: []byte("mend: 1: eval: Syntax error: \"then\" unexpected\n")}},
		{"session leader", steps.ExecRequest{Command: `[ "$(ps -o pgid= -p $$ | tr -d ' ')" = "$(ps -o sid= -p $$ | tr -d ' ')" ] && echo leader`},
			steps.ExecResult{Stdout: []byte("leader\n")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := h.Exec(testCtx(t, 10*time.Second), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b []byte) bool { return string(a) == string(b) })); diff != "" {
				t.Errorf("Exec(%q) mismatch (-want +got):\n%s", tt.req.Command, diff)
			}
		})
	}
}

// TestExecTimeoutKillsProcessTree: a command (and a child it put in the
// background) still running when ctx expires is killed on the host, not
// left behind as sshd would leave it (RELIABILITY A16).
func TestExecTimeoutKillsProcessTree(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	mark := fmt.Sprintf("%d.%d", 300+rand.IntN(600), rand.IntN(1e6))
	cmd := fmt.Sprintf("sleep %s & sh -c 'sleep %s'; echo finished", mark, mark)
	errc := make(chan error, 1)
	start := time.Now()
	go func() {
		_, err := h.Exec(testCtx(t, 1500*time.Millisecond), steps.ExecRequest{Command: cmd})
		errc <- err
	}()
	if !eventually(1200*time.Millisecond, func() bool { return len(processesRunning("sleep", mark)) == 2 }) {
		t.Fatalf("the two sleeps never ran: %v", processesRunning("sleep", mark))
	}
	err := <-errc
	wantClass(t, err, steps.ClassTimeout)
	if d := time.Since(start); d > 6*time.Second {
		t.Errorf("Exec returned %s after start; want soon after the 1.5s deadline", d)
	}
	if !eventually(5*time.Second, func() bool { return len(processesRunning("sleep", mark)) == 0 }) {
		t.Fatalf("processes still running after the timeout: %v", processesRunning("sleep", mark))
	}
}

// TestExecTermTrapRuns: the group gets SIGTERM first, so a command's
// cleanup trap runs before anything is killed hard.
func TestExecTermTrapRuns(t *testing.T) {
	s := sshtest.Start(t)
	h := s.Host(t)
	flag := s.Dir + "/trapped"
	cmd := fmt.Sprintf("trap 'echo yes > %s; exit 1' TERM; sleep 60 & wait", flag)
	_, err := h.Exec(testCtx(t, time.Second), steps.ExecRequest{Command: cmd})
	wantClass(t, err, steps.ClassTimeout)
	got, rerr := h.ReadFile(testCtx(t, 5*time.Second), flag)
	if rerr != nil || string(got.Content) != "yes\n" {
		t.Fatalf("TERM trap did not run: %+v %v", got, rerr)
	}
}

func TestExecSudo(t *testing.T) {
	s := sshtest.Start(t)
	requireSudo(t)
	target := s.Target()
	target.Sudo = true
	h, err := s.Pool(t).Host(testCtx(t, 10*time.Second), target)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		noSudo bool
		want   string
	}{
		{"through sudo", false, "sudo=root lc=C\n"},
		{"NoSudo", true, "sudo= lc=C\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := h.Exec(testCtx(t, 10*time.Second), steps.ExecRequest{
				Command: `echo "sudo=$SUDO_USER lc=$LC_ALL"`, NoSudo: tt.noSudo})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(res.Stdout)); diff != "" {
				t.Errorf("(-want +got):\n%s\nstderr: %s", diff, res.Stderr)
			}
		})
	}
	t.Run("timeout kills through sudo", func(t *testing.T) {
		mark := fmt.Sprintf("%d.%d", 300+rand.IntN(600), rand.IntN(1e6))
		_, err := h.Exec(testCtx(t, time.Second), steps.ExecRequest{Command: "sleep " + mark})
		wantClass(t, err, steps.ClassTimeout)
		if !eventually(5*time.Second, func() bool { return len(processesRunning("sleep", mark)) == 0 }) {
			t.Fatalf("still running: %v", processesRunning("sleep", mark))
		}
	})
}

// TestExecUnreadStdin: a command that exits 0 without reading its stdin
// (here 8 MiB, more than the channel's window, so the write is still
// going when the command is gone) gives its exit status and output, not
// a transport error: in a session of its own (the first command) as on
// the runner (the second). x/crypto's Session.Wait reports the failed
// stdin copy when the exit status is 0.
func TestExecUnreadStdin(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	stdin := bytes.Repeat([]byte("x"), 8<<20)
	for i := range 2 {
		res, err := h.Exec(testCtx(t, 30*time.Second), steps.ExecRequest{Command: "echo gone", Stdin: stdin})
		if err != nil || res.ExitCode != 0 || string(res.Stdout) != "gone\n" {
			t.Errorf("command %d: exit %d, stdout %q, %v; want exit 0 and its output", i+1, res.ExitCode, res.Stdout, err)
		}
	}
}
