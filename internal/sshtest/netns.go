package sshtest

import (
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// NetNS is a private network namespace with only its own loopback: a
// server started in it (WithNetNS) cannot be reached from the test's
// namespace, only from another server in it, or through Forward.
type NetNS struct {
	Path string // /proc/PID/ns/net of the process holding it
}

// NewNetNS creates a network namespace, held by a sleeping process that
// t.Cleanup kills. It needs root (unshare -n); without it the test is
// skipped, unless $CI is set.
func NewNetNS(t testing.TB) *NetNS {
	t.Helper()
	cmd := exec.Command("unshare", "-n", "sh", "-c", "ip link set lo up && echo up && exec sleep 3600")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err == nil {
		err = cmd.Start()
	}
	buf := make([]byte, 3)
	if err == nil {
		_, err = io.ReadFull(out, buf)
	}
	if err != nil {
		if cmd.Process != nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		if os.Getenv("CI") != "" {
			t.Fatalf("sshtest: network namespace: %v", err)
		}
		t.Skipf("cannot create a network namespace (needs root, unshare and ip): %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return &NetNS{Path: "/proc/" + strconv.Itoa(cmd.Process.Pid) + "/ns/net"}
}

// WithNetNS starts sshd inside ns.
func WithNetNS(ns *NetNS) Option {
	return func(s *Server) { s.netns = ns.Path }
}

// Forward listens on 127.0.0.1 in the test's namespace and relays every
// connection to addr inside ns. It returns the port it listens on and a
// counter of the connections it accepted.
func (ns *NetNS) Forward(t testing.TB, addr string) (int, *atomic.Int64) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	var n atomic.Int64
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			go ns.relay(c, addr)
		}
	}()
	return l.Addr().(*net.TCPAddr).Port, &n
}

func (ns *NetNS) relay(c net.Conn, addr string) {
	defer c.Close()
	d, err := ns.dial(addr)
	if err != nil {
		return
	}
	defer d.Close()
	go func() { io.Copy(d, c); d.Close() }()
	io.Copy(c, d)
}

// dial connects to addr from inside ns, on a thread of its own that
// enters ns and is never reused (LockOSThread without unlock).
func (ns *NetNS) dial(addr string) (net.Conn, error) {
	type result struct {
		c   net.Conn
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		f, err := os.Open(ns.Path)
		if err != nil {
			ch <- result{nil, err}
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			ch <- result{nil, err}
			return
		}
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		ch <- result{c, err}
	}()
	r := <-ch
	return r.c, r.err
}
