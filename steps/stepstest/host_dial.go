package stepstest

import (
	"io"
	"math/rand/v2"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/mend-sh/mend/steps"
)

// dialSuite: DialContext reaches a listener on this machine's loopback
// (the hosts under test run here), and a closed port is an unreachable
// error. A transport to another machine would skip this part.
func dialSuite(t *testing.T, s Subject) {
	h := s.Host(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		c, err := ln.Accept()
		if err == nil {
			io.Copy(c, c)
			c.Close()
		}
	}()
	c, err := h.DialContext(testCtx(t, 20*time.Second), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("DialContext: %v", err)
	}
	c.SetDeadline(time.Now().Add(20 * time.Second))
	buf := make([]byte, 4)
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ping" {
		t.Errorf("echo: %q, %v", buf, err)
	}
	c.Close()
	ln.Close()
	addr := ClosedPort(t)
	if _, err := h.DialContext(testCtx(t, 20*time.Second), "tcp", addr); steps.Classify(err) != steps.ClassUnreachable {
		t.Errorf("dial a closed port: %v (class %q), want class unreachable", err, steps.Classify(err))
	}
}

// ClosedPort is a 127.0.0.1 address nothing listens on, with a port below
// Linux's ephemeral range (32768 and up by default). A closed port taken
// from a just-closed ":0" listener lies in that range, and a dial to it
// can then connect to itself (the kernel picks the same port as the
// source: TCP simultaneous open), which made the "closed port" test
// succeed now and then in CI.
func ClosedPort(t testing.TB) string {
	t.Helper()
	for i := 0; i < 200; i++ {
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(20000+rand.IntN(12000)))
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			continue
		}
		ln.Close()
		return addr
	}
	t.Fatal("no free port between 20000 and 32000 on 127.0.0.1")
	return ""
}
