package ssh_test

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	mendssh "github.com/mend-sh/mend/transport/ssh"
	"golang.org/x/crypto/ssh"
)

// TestAcceptNewConcurrentDialsDifferentKeys: two accept-new dials of one
// unknown host:port, made at the same time, reach two different sshds
// (a splitter on that port sends the first connection to one and the
// second to the other, and only once both have arrived, so both dials
// have loaded the empty known_hosts). Exactly one key ends up in
// known_hosts; the dial that met the other key is refused as a changed
// key.
func TestAcceptNewConcurrentDialsDifferentKeys(t *testing.T) {
	backends := []*sshtest.Server{sshtest.Start(t), sshtest.Start(t)}
	port := splitter(t, backends[0].Addr, backends[1].Addr)
	cfg := backends[0].Config()
	cfg.KnownHostsFile = filepath.Join(t.TempDir(), "known_hosts")
	cfg.AcceptNew = true
	target := mendssh.Target{Name: "db", Address: "127.0.0.1", Port: port, User: backends[0].User,
		IdentityFiles: []string{backends[0].IdentityFile, backends[1].IdentityFile}}

	var wg sync.WaitGroup
	hosts := make([]*mendssh.Host, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() { hosts[i], errs[i] = newPool(t, cfg).Host(testCtx(t, 10*time.Second), target) })
	}
	wg.Wait()
	var won *mendssh.Host
	for i, err := range errs {
		switch {
		case err == nil:
			won = hosts[i]
		case steps.Classify(err) != steps.ClassHostKey || !strings.Contains(err.Error(), "REMOTE HOST IDENTIFICATION HAS CHANGED"):
			t.Errorf("dial %d: %v, want success or the changed-key error", i, err)
		}
	}
	if won == nil || errs[0] == nil && errs[1] == nil {
		t.Fatalf("dials: %v, %v; want exactly one to succeed", errs[0], errs[1])
	}
	if !won.Info().HostKeyAccepted {
		t.Error("winning dial: HostKeyAccepted = false")
	}
	var key ssh.PublicKey
	for _, b := range backends {
		if ssh.FingerprintSHA256(b.HostKey) == won.Info().HostKeyFingerprint {
			key = b.HostKey
		}
	}
	if key == nil {
		t.Fatalf("winning fingerprint %s is neither backend's", won.Info().HostKeyFingerprint)
	}
	data, _ := os.ReadFile(cfg.KnownHostsFile)
	if diff := cmp.Diff(sshtest.KnownHostsLine("127.0.0.1", port, key)+"\n", string(data)); diff != "" {
		t.Errorf("known_hosts (-want +got):\n%s", diff)
	}
}

// splitter listens on a free 127.0.0.1 port, waits (up to 10 s) for two
// connections, then joins the first to backend a and the second to b.
// Everything is closed in t.Cleanup.
func splitter(t *testing.T, a, b string) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	open := []io.Closer{l}
	track := func(c io.Closer) {
		mu.Lock()
		defer mu.Unlock()
		open = append(open, c)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range open {
			c.Close()
		}
	})
	go func() {
		l.(*net.TCPListener).SetDeadline(time.Now().Add(10 * time.Second))
		var conns []net.Conn
		for range 2 {
			c, err := l.Accept()
			if err != nil {
				return
			}
			track(c)
			conns = append(conns, c)
		}
		for i, addr := range []string{a, b} {
			be, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err != nil {
				conns[i].Close()
				continue
			}
			track(be)
			go func() { io.Copy(be, conns[i]); be.Close() }()
			go func() { io.Copy(conns[i], be); conns[i].Close() }()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}
