package local

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/mend-sh/mend/steps"
)

// DefaultName is the inventory name and address a Host reports when its
// Name is empty.
const DefaultName = "local"

// DefaultKillGrace is how long Exec waits after SIGTERM before it sends
// SIGKILL to a command's process group, when Host.KillGrace is zero.
const DefaultKillGrace = 2 * time.Second

// Host is the machine mend runs on. The zero value is ready to use and safe
// for concurrent use. Commands and file operations run with mend's own
// privileges: ExecRequest.NoSudo is ignored because a local host never
// goes through sudo.
type Host struct {
	// Name is the inventory name reported by Info; empty means "local".
	Name string
	// KillGrace is the time between SIGTERM and SIGKILL when a command's
	// context is done; zero means DefaultKillGrace.
	KillGrace time.Duration
}

var _ steps.MutableHost = Host{}

// Info returns the host's name and the address "local".
func (h Host) Info() steps.HostInfo {
	name := h.Name
	if name == "" {
		name = DefaultName
	}
	return steps.HostInfo{Name: name, Address: DefaultName}
}

// DialContext opens a connection from this machine with a net.Dialer. An
// error is classified as unreachable.
func (h Host) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("local: dial %s %s: %w", network, addr, ctx.Err())
		}
		return nil, &steps.Error{Class: steps.ClassUnreachable, Err: fmt.Errorf("local: dial %s %s: %w", network, addr, err)}
	}
	return conn, nil
}

func (h Host) killGrace() time.Duration {
	if h.KillGrace > 0 {
		return h.KillGrace
	}
	return DefaultKillGrace
}
