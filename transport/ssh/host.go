package ssh

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/mend-sh/mend/steps"
	"golang.org/x/crypto/ssh"
)

var _ steps.MutableHost = (*Host)(nil)

// Host is one live SSH connection to a target; it implements
// steps.MutableHost. Exec, ReadFile and WriteFile run their commands on
// the host's runner, one long-lived session (see runner), one at a time;
// one arriving while the runner is busy opens a session of its own on the
// shared connection. A Host whose connection died stays
// dead: its methods return ClassTransport errors and Pool.Host dials a new
// one. Safe for concurrent use.
type Host struct {
	client *ssh.Client
	info   steps.HostInfo
	sudo   bool

	runners  runners       // see runner
	done     chan struct{} // closed when the connection has ended
	mu       sync.Mutex
	endCause error
}

func newHost(c *ssh.Client, info steps.HostInfo, sudo bool, keepalive time.Duration) *Host {
	h := &Host{client: c, info: info, sudo: sudo, done: make(chan struct{})}
	go h.watch()
	if keepalive > 0 {
		go h.keepalive(keepalive)
	}
	return h
}

// Info identifies the host and the keys that were verified and used.
func (h *Host) Info() steps.HostInfo { return h.info }

// Close ends the connection. Commands still running get ClassTransport
// errors (and, having no PTY, may keep running on the host).
func (h *Host) Close() error {
	h.end(errors.New("connection closed by mend"))
	<-h.done
	return nil
}

// Alive reports whether the connection is still up as far as we know.
func (h *Host) Alive() bool {
	select {
	case <-h.done:
		return false
	default:
		return true
	}
}

func (h *Host) watch() {
	err := h.client.Wait()
	h.mu.Lock()
	if h.endCause == nil {
		h.endCause = fmt.Errorf("connection ended: %v", err)
	}
	h.mu.Unlock()
	close(h.done)
}

// end closes the connection, recording why, unless it ended already.
func (h *Host) end(cause error) {
	h.mu.Lock()
	if h.endCause == nil {
		h.endCause = cause
	}
	h.mu.Unlock()
	h.client.Close()
}

// keepalive sends keepalive@openssh.com every interval and closes the
// connection when a reply takes longer than three intervals.
func (h *Host) keepalive(interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-h.done:
			return
		case <-t.C:
		}
		replied := make(chan struct{})
		go func() {
			h.client.SendRequest("keepalive@openssh.com", true, nil)
			close(replied)
		}()
		select {
		case <-replied:
		case <-h.done:
			return
		case <-time.After(3 * interval):
			h.end(fmt.Errorf("no keepalive reply within %s", 3*interval))
			return
		}
	}
}

// connEndGrace is how long transportError waits for the connection to be
// seen as ended: x/crypto fails a session's Wait as soon as the transport
// drops, a moment before Client.Wait returns and Alive turns false.
const connEndGrace = 500 * time.Millisecond

// transportError is the ClassTransport error for a failed operation,
// naming why the connection ended when it did. It gives the connection
// connEndGrace to be noticed as ended, so that Alive is false once a
// dropped connection has failed an operation.
func (h *Host) transportError(op string, err error) error {
	select {
	case <-h.done:
	case <-time.After(connEndGrace):
	}
	select {
	case <-h.done:
		h.mu.Lock()
		cause := h.endCause
		h.mu.Unlock()
		return steps.Errorf(steps.ClassTransport, "%s on %s: SSH connection lost (%v): %v", op, h.info.Name, cause, err)
	default:
	}
	return steps.Errorf(steps.ClassTransport, "%s on %s: %v", op, h.info.Name, err)
}

// newSession opens a session, giving up when ctx is done: x/crypto's
// NewSession can block indefinitely on a wedged connection.
func (h *Host) newSession(ctx context.Context, op string) (*ssh.Session, error) {
	type result struct {
		s   *ssh.Session
		err error
	}
	ch := make(chan result, 1)
	go func() {
		s, err := h.client.NewSession()
		ch <- result{s, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			return nil, h.transportError(op+": open session", r.err)
		}
		return r.s, nil
	case <-ctx.Done():
		go func() {
			if r := <-ch; r.s != nil {
				r.s.Close()
			}
		}()
		return nil, ctxError(ctx, op+" on "+h.info.Name)
	}
}

// DialContext opens a TCP connection to addr from the host's point of
// view, as a direct-tcpip channel on the SSH connection.
func (h *Host) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := h.client.DialContext(ctx, network, addr)
	switch {
	case err == nil:
		return c, nil
	case ctx.Err() != nil:
		return nil, ctxError(ctx, fmt.Sprintf("dial %s via %s", addr, h.info.Name))
	case !h.Alive():
		return nil, h.transportError("dial "+addr, err)
	}
	return nil, steps.Errorf(steps.ClassUnreachable, "dial %s %s from %s: %v", network, addr, h.info.Name, err)
}
