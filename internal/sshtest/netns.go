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
	if err != nil {
		t.Fatal(err)
	}
	// Pdeathsig fires when the OS thread that started the holder exits,
	// not the process: the goroutines that dial into the namespace lock
	// their threads and end them, and if one of those was the thread that
	// ran Start, the holder (and with it the namespace's path) went away
	// mid-test, and a relayed connection was reset. So the holder is
	// started on a locked thread that lives until cleanup.
	started, stop, done := make(chan error, 1), make(chan struct{}), make(chan struct{})
	go func() {
		runtime.LockOSThread()
		defer close(done)
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		<-stop
		cmd.Process.Kill()
		cmd.Wait()
	}()
	err = <-started
	buf := make([]byte, 3)
	if err == nil {
		_, err = io.ReadFull(out, buf)
	}
	if err != nil {
		close(stop)
		<-done
		if os.Getenv("CI") != "" {
			t.Fatalf("sshtest: network namespace: %v", err)
		}
		t.Skipf("cannot create a network namespace (needs root, unshare and ip): %v", err)
	}
	t.Cleanup(func() { close(stop); <-done })
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

// dial connects to addr from inside ns, on a locked thread that enters ns
// and then returns to the test's namespace before it is unlocked. The
// thread must not end with its goroutine: Pdeathsig (which sshtest's sshd
// and the namespace's holder are started with) fires when the thread that
// started a process exits, and Go may have started them on this one. Only
// if it cannot go back does the thread stay locked, and end.
func (ns *NetNS) dial(addr string) (net.Conn, error) {
	type result struct {
		c   net.Conn
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		home, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			ch <- result{nil, err}
			return
		}
		defer home.Close()
		f, err := os.Open(ns.Path)
		if err != nil {
			runtime.UnlockOSThread()
			ch <- result{nil, err}
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			ch <- result{nil, err}
			return
		}
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if unix.Setns(int(home.Fd()), unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		}
		ch <- result{c, err}
	}()
	r := <-ch
	return r.c, r.err
}
