package stepstest

import (
	"io"
	"net"
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
	addr := ln.Addr().String()
	ln.Close()
	if _, err := h.DialContext(testCtx(t, 20*time.Second), "tcp", addr); steps.Classify(err) != steps.ClassUnreachable {
		t.Errorf("dial a closed port: %v (class %q), want class unreachable", err, steps.Classify(err))
	}
}
