package sshtest_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
)

func TestStartAndExec(t *testing.T) {
	s := sshtest.Start(t)
	h := s.Host(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := h.Exec(ctx, steps.ExecRequest{Command: "echo hello; echo oops >&2; exit 3"})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(res.Stdout); got != "hello\n" || string(res.Stderr) != "oops\n" || res.ExitCode != 3 {
		t.Errorf("got stdout %q stderr %q exit %d; want hello, oops, 3", got, res.Stderr, res.ExitCode)
	}
	if got := h.Info().HostKeyFingerprint; !strings.HasPrefix(got, "SHA256:") {
		t.Errorf("HostKeyFingerprint = %q", got)
	}
}

// TestOpenSSHClientReachesServer checks the files Start writes are what
// the OpenSSH client needs too (so benchmarks can compare against it).
func TestOpenSSHClientReachesServer(t *testing.T) {
	s := sshtest.Start(t)
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("no ssh client")
	}
	out, err := exec.Command("ssh", append(s.SSHArgs(), "echo", "ok")...).CombinedOutput()
	if err != nil || string(out) != "ok\n" {
		t.Fatalf("ssh: %v: %s", err, out)
	}
}

func TestStopDropsAndRestartServes(t *testing.T) {
	s := sshtest.Start(t)
	s.Stop(t)
	if s.PID() != 0 {
		t.Fatal("PID after Stop is not 0")
	}
	s.Restart(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s.Host(t).Exec(ctx, steps.ExecRequest{Command: "true"}); err != nil {
		t.Fatal(err)
	}
}
