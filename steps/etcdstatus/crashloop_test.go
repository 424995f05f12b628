package etcdstatus_test

import (
	"net"
	"strings"
	"testing"

	"github.com/mend-sh/mend/internal/etcdtest"
	"github.com/mend-sh/mend/internal/sshtest"
)

// crashLooping listens on 127.0.0.1 like a member whose process keeps
// restarting: each connection is accepted and dropped before any TLS
// answer, alternately closed at once and reset (SO_LINGER 0) after the
// first bytes of the client's hello. It returns the endpoint URL; the
// listener closes in t.Cleanup.
func crashLooping(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for i := 0; ; i++ {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			if i%2 == 1 {
				conn.Read(make([]byte, 1))
				conn.(*net.TCPConn).SetLinger(0)
			}
			conn.Close()
		}
	}()
	return "https://" + l.Addr().String()
}

// TestCrashLoopingMember is the defect of a member whose process is
// restarting (it accepts connections and drops them) reported as
// tls_failure: it is unreachable, with the reason, and the cluster that
// still has quorum is unreachable too, not tls_failure.
func TestCrashLoopingMember(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	c := etcdtest.Start(t, 1)
	looping := crashLooping(t)
	cfg := config(c)
	cfg.Endpoints = append(cfg.Endpoints, looping)
	r := run(t, h, cfg)
	if r.class != "unreachable" || !r.quorum {
		t.Fatalf("class %s quorum %v, want unreachable with quorum", r.class, r.quorum)
	}
	if got, msg := r.classes[looping], r.errors[looping]; got != "unreachable" || !strings.Contains(msg, "closed without a TLS answer") {
		t.Errorf("the crash-looping endpoint is %s (%q), want unreachable saying the connection was dropped", got, msg)
	}
	if got := r.classes[c.Members[0].ClientURL()]; got != "healthy" {
		t.Errorf("m1 is %s, want healthy", got)
	}
}
