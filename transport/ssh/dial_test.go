package ssh_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	mendssh "github.com/mend-sh/mend/transport/ssh"
)

// silentServer accepts TCP connections and never says a word, like a
// wedged sshd; it returns its port.
func silentServer(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { l.Close(); <-done })
	go func() {
		defer close(done)
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

func TestConnectTimeoutCoversHandshake(t *testing.T) {
	s := sshtest.Start(t) // for its keys
	target := s.Target()
	target.Port = silentServer(t)
	cfg := s.Config()
	cfg.ConnectTimeout = 300 * time.Millisecond
	start := time.Now()
	_, err := newPool(t, cfg).Host(context.Background(), target)
	wantClass(t, err, steps.ClassUnreachable)
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("dial took %s with a 300ms connect timeout", d)
	}
	if !strings.Contains(err.Error(), "connect timeout") {
		t.Errorf("error %q does not say it timed out", err)
	}
}

func TestConnectCanceledByCtx(t *testing.T) {
	s := sshtest.Start(t)
	target := s.Target()
	target.Port = silentServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := newPool(t, s.Config()).Host(ctx, target)
	wantClass(t, err, steps.ClassTimeout)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Host returned after %s, want soon after the 200ms ctx deadline", d)
	}
}

func TestConnectRefused(t *testing.T) {
	s := sshtest.Start(t)
	s.Stop(t)
	_, err := newPool(t, s.Config()).Host(testCtx(t, 10*time.Second), s.Target())
	wantClass(t, err, steps.ClassUnreachable)
	if !strings.Contains(err.Error(), s.Addr) {
		t.Errorf("error %q does not name %s", err, s.Addr)
	}
}

func TestSSHConfigAlias(t *testing.T) {
	s := sshtest.Start(t)
	conf := filepath.Join(t.TempDir(), "config")
	os.WriteFile(conf, []byte(fmt.Sprintf(`Host other
  HostName 192.0.2.1
Host lab-*
  HostName %s
  Port %d
  User %s
  IdentityFile %s
Host *
  User nobody-else
`, s.Hostname, s.Port, s.User, s.IdentityFile)), 0o600)
	cfg := s.Config()
	cfg.SSHConfigFile = conf
	h, err := newPool(t, cfg).Host(testCtx(t, 10*time.Second), mendssh.Target{Name: "lab-a"})
	if err != nil {
		t.Fatal(err)
	}
	want := steps.HostInfo{Name: "lab-a", Address: s.Addr, User: s.User}
	got := h.Info()
	got.HostKeyFingerprint, got.ClientKeyFingerprint = "", ""
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Info (-want +got):\n%s", diff)
	}
}

func TestDialContext(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err == nil {
			io.Copy(c, c)
			c.Close()
		}
	}()
	c, err := h.DialContext(testCtx(t, 5*time.Second), "tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprint(c, "ping")
	buf := make([]byte, 4)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("echo through the tunnel: %q, %v", buf, err)
	}

	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	closed.Close()
	_, err = h.DialContext(testCtx(t, 5*time.Second), "tcp", closed.Addr().String())
	wantClass(t, err, steps.ClassUnreachable)
}
