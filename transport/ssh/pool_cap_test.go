package ssh_test

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	mendssh "github.com/mend-sh/mend/transport/ssh"
)

// alias is s's target under another inventory name: a host of its own
// for the pool, the same sshd underneath.
func alias(s *sshtest.Server, name string) mendssh.Target {
	tg := s.Target()
	tg.Name = name
	return tg
}

// TestPoolCapClosesIdleLRU: 40 hosts through a pool capped at 5, ten at a
// time: every host runs its command, the pool never has more than 5
// connections (its own count, and this process's sockets), and each host
// was dialled once (idle ones closed for the next).
func TestPoolCapClosesIdleLRU(t *testing.T) {
	s := sshtest.Start(t)
	cfg := s.Config()
	cfg.MaxConnections = 5
	p := newPool(t, cfg)
	stop := sshtest.SampleSockets(t)
	names := make(chan string, 40)
	for i := range 40 {
		names <- fmt.Sprintf("h%d", i)
	}
	close(names)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			for name := range names {
				useOnce(t, p, alias(s, name), false)
			}
		})
	}
	wg.Wait()
	if peak := stop(); peak > 5 {
		t.Errorf("%d SSH connections (sockets) at once, cap 5", peak)
	}
	if st := p.Stats(); st.Peak > 5 || st.Open > 5 {
		t.Errorf("pool stats %+v, cap 5", st)
	}
	if n := s.Connections(); n != 40 {
		t.Errorf("sshd accepted %d connections for 40 hosts, want 40", n)
	}
}

// useOnce runs one command on t's host and releases it (and retires it).
func useOnce(t *testing.T, p *mendssh.Pool, tg mendssh.Target, retire bool) {
	h, err := p.Host(testCtx(t, 30*time.Second), tg)
	if err != nil {
		t.Errorf("%s: %v", tg.Name, err)
		return
	}
	res, err := h.Exec(testCtx(t, 30*time.Second), steps.ExecRequest{Command: "echo " + tg.Name})
	if err != nil || string(res.Stdout) != tg.Name+"\n" {
		t.Errorf("%s: %q %v", tg.Name, res.Stdout, err)
	}
	p.Release(h)
	if retire {
		p.Retire(tg)
	}
}

// TestPoolCapWaitsForRelease: at the cap with every connection held, a
// new host waits (and gives up when its context ends, naming the cap);
// once one is released, it is closed and the new host gets its slot.
func TestPoolCapWaitsForRelease(t *testing.T) {
	s := sshtest.Start(t)
	cfg := s.Config()
	cfg.MaxConnections = 1
	p := newPool(t, cfg)
	h1, err := p.Host(testCtx(t, 10*time.Second), alias(s, "h1"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Host(testCtx(t, 300*time.Millisecond), alias(s, "h2"))
	wantClass(t, err, steps.ClassTimeout)
	if err != nil && !strings.Contains(err.Error(), "--max-connections") {
		t.Errorf("error does not name the cap: %v", err)
	}
	if !h1.Alive() {
		t.Fatal("a held connection was closed")
	}
	p.Release(h1)
	h2, err := p.Host(testCtx(t, 10*time.Second), alias(s, "h2"))
	if err != nil {
		t.Fatal(err)
	}
	if h1.Alive() {
		t.Error("the idle connection was not closed for the new one")
	}
	if st := p.Stats(); st.Open != 1 || st.Peak != 1 {
		t.Errorf("stats %+v, want 1 open, peak 1", st)
	}
	// Held by two callers: the connection stays until both released it.
	h2b, err := p.Host(testCtx(t, 10*time.Second), alias(s, "h2"))
	if err != nil || h2b != h2 {
		t.Fatalf("second hold: %v (same connection: %v)", err, h2b == h2)
	}
	p.Retire(alias(s, "h2"))
	p.Release(h2)
	if !h2.Alive() {
		t.Fatal("a retired connection was closed while still held")
	}
	p.Release(h2b)
	if h2.Alive() {
		t.Error("a retired connection is still open after its last release")
	}
	if st := p.Stats(); st.Open != 0 {
		t.Errorf("stats %+v after retiring the only host, want 0 open", st)
	}
}

// TestPoolCapThroughJumpHost: under a cap of 2, five targets behind one
// bastion share its connection (not counted against the cap, never
// closed while a target behind it is open), each target's idle
// connection closed for the next.
func TestPoolCapThroughJumpHost(t *testing.T) {
	l := newJumpLab(t)
	cfg := l.cfg
	cfg.MaxConnections = 2
	p := newPool(t, cfg)
	var held []*mendssh.Host
	for i := range 5 {
		h, err := p.Host(testCtx(t, 10*time.Second), l.targetVia(fmt.Sprintf("t%d", i)))
		if err != nil {
			t.Fatalf("t%d: %v", i, err)
		}
		if _, err := h.Exec(testCtx(t, 10*time.Second), steps.ExecRequest{Command: "true"}); err != nil {
			t.Fatalf("t%d: %v", i, err)
		}
		held = append(held, h)
		if i%2 == 1 { // release in pairs: the next two must wait for no one
			p.Release(held[i-1])
			p.Release(held[i])
		}
	}
	if st := p.Stats(); st.Peak != 2 {
		t.Errorf("stats %+v, want peak 2", st)
	}
	if n := l.accepted(); n != 1 {
		t.Errorf("the bastion was connected to %d times, want 1 shared connection", n)
	}
	if !held[4].Alive() || held[0].Alive() {
		t.Errorf("alive: t4 %v (held, want true), t0 %v (idle at the cap, want false)", held[4].Alive(), held[0].Alive())
	}
}

// TestPoolManyHostsNoLeak: hundreds of hosts (aliases of 3 sshds, 50 at
// a time), each released and retired after one command: no more than 50
// connections at once, and afterwards, before Close, no connection,
// descriptor or goroutine is left. MEND_SCALE_HOSTS sets the number of
// hosts (default 100; cmd/mend's TestManyHosts runs 300 through the engine).
func TestPoolManyHostsNoLeak(t *testing.T) {
	n := 100
	if v, err := strconv.Atoi(os.Getenv("MEND_SCALE_HOSTS")); err == nil && v > 0 {
		n = v
	}
	servers := []*sshtest.Server{sshtest.Start(t), sshtest.Start(t), sshtest.Start(t)}
	cfg := servers[0].Config()
	cfg.KnownHostsFile = sshtest.JoinKnownHosts(t, servers...)
	cfg.ConnectTimeout = 60 * time.Second // 50 handshakes at once on a loaded machine
	fds, goroutines := sshtest.OpenFDs(t), runtime.NumGoroutine()
	p := newPool(t, cfg)
	stop := sshtest.SampleSockets(t)
	names := make(chan int, n)
	for i := range n {
		names <- i
	}
	close(names)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			for i := range names {
				useOnce(t, p, alias(servers[i%len(servers)], fmt.Sprintf("h%d", i)), true)
			}
		})
	}
	wg.Wait()
	peak := stop()
	if st := p.Stats(); st.Open != 0 || st.Peak > 50 || peak > 50 {
		t.Errorf("stats %+v, sockets at once %d; want 0 open after, at most 50 at once", st, peak)
	}
	settled := eventually(10*time.Second, func() bool {
		return sshtest.OpenFDs(t) <= fds && runtime.NumGoroutine() <= goroutines
	})
	if !settled {
		t.Errorf("after %d hosts: %d descriptors (before: %d), %d goroutines (before: %d)", n, sshtest.OpenFDs(t), fds, runtime.NumGoroutine(), goroutines)
	}
}
