package ssh_test

import (
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	mendssh "github.com/mend-sh/mend/transport/ssh"
)

// TestPoolOneConnectionPerHost: concurrent Host calls share one dial, and
// many steps reuse that one TCP connection (counted in sshd's log).
func TestPoolOneConnectionPerHost(t *testing.T) {
	s := sshtest.Start(t)
	p := s.Pool(t)
	hosts := make([]*mendssh.Host, 10)
	var wg sync.WaitGroup
	for i := range hosts {
		wg.Go(func() {
			h, err := p.Host(testCtx(t, 10*time.Second), s.Target())
			if err != nil {
				t.Error(err)
			}
			hosts[i] = h
		})
	}
	wg.Wait()
	for i, h := range hosts {
		if h != hosts[0] {
			t.Fatalf("Host call %d got a different connection", i)
		}
	}
	for i := range 20 {
		res, err := hosts[0].Exec(testCtx(t, 10*time.Second), steps.ExecRequest{Command: fmt.Sprintf("echo %d", i)})
		if err != nil || string(res.Stdout) != fmt.Sprintf("%d\n", i) {
			t.Fatalf("exec %d: %q %v", i, res.Stdout, err)
		}
	}
	if _, err := hosts[0].ReadFile(testCtx(t, 10*time.Second), "/etc/hostname"); err != nil {
		t.Fatal(err)
	}
	if n := s.Connections(); n != 1 {
		t.Errorf("sshd accepted %d connections, want 1", n)
	}
}

// TestPoolDeadSSHDMidStep: the host dies while a command runs; the step
// gets a transport error, and once sshd is back the pool dials anew.
func TestPoolDeadSSHDMidStep(t *testing.T) {
	s := sshtest.Start(t)
	p := s.Pool(t)
	h, err := p.Host(testCtx(t, 10*time.Second), s.Target())
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := h.Exec(testCtx(t, 20*time.Second), steps.ExecRequest{Command: "sleep 30.25"})
		errc <- err
	}()
	if !eventually(5*time.Second, func() bool { return len(processesRunning("sleep", "30.25")) == 1 }) {
		t.Fatal("command never started")
	}
	s.Stop(t)
	select {
	case err := <-errc:
		wantClass(t, err, steps.ClassTransport)
	case <-time.After(10 * time.Second):
		t.Fatal("Exec did not return after sshd died")
	}
	if h.Alive() {
		t.Error("Host still Alive after its connection dropped")
	}
	_, err = h.Exec(testCtx(t, 5*time.Second), steps.ExecRequest{Command: "true"})
	wantClass(t, err, steps.ClassTransport)

	s.Restart(t)
	h2, err := p.Host(testCtx(t, 10*time.Second), s.Target())
	if err != nil {
		t.Fatal(err)
	}
	if h2 == h {
		t.Fatal("pool returned the dead connection")
	}
	if res, err := h2.Exec(testCtx(t, 10*time.Second), steps.ExecRequest{Command: "echo back"}); err != nil || string(res.Stdout) != "back\n" {
		t.Fatalf("exec after redial: %q %v", res.Stdout, err)
	}
}

// TestPoolFailedDialNotCached: a dial that failed is retried on the next call.
func TestPoolFailedDialNotCached(t *testing.T) {
	s := sshtest.Start(t)
	s.Stop(t)
	p := s.Pool(t)
	_, err := p.Host(testCtx(t, 10*time.Second), s.Target())
	wantClass(t, err, steps.ClassUnreachable)
	s.Restart(t)
	if _, err := p.Host(testCtx(t, 10*time.Second), s.Target()); err != nil {
		t.Fatalf("second Host call after sshd came back: %v", err)
	}
}

// TestKeepaliveClosesWedgedConnection: the per-connection sshd is frozen
// (SIGSTOP), so TCP stays up but nothing answers; keepalives notice.
func TestKeepaliveClosesWedgedConnection(t *testing.T) {
	s := sshtest.Start(t)
	cfg := s.Config()
	cfg.KeepaliveInterval = 100 * time.Millisecond
	h, err := newPool(t, cfg).Host(testCtx(t, 10*time.Second), s.Target())
	if err != nil {
		t.Fatal(err)
	}
	children := sshdChildren(s)
	if len(children) == 0 {
		t.Fatal("no per-connection sshd process found")
	}
	for _, pid := range children {
		syscall.Kill(pid, syscall.SIGSTOP)
		defer syscall.Kill(pid, syscall.SIGCONT)
	}
	if !eventually(3*time.Second, func() bool { return !h.Alive() }) {
		t.Fatal("connection to a frozen sshd still Alive after 3s of 100ms keepalives")
	}
	_, err = h.Exec(testCtx(t, 5*time.Second), steps.ExecRequest{Command: "true"})
	wantClass(t, err, steps.ClassTransport)
}

// sshdChildren lists the processes whose parent is the listening sshd.
func sshdChildren(s *sshtest.Server) []int {
	var pids []int
	for _, pid := range processesWithParent(s.PID()) {
		pids = append(pids, pid)
		pids = append(pids, processesWithParent(pid)...)
	}
	return pids
}
