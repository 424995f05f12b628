package engine

import (
	"context"
	"net"
	"sync"

	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
)

// connections hands out host handles for one run: it asks the Connector
// (which keeps one connection per host) and writes the audit record for a
// host key accepted on first use, once per host.
type connections struct {
	connector Connector
	inventory *runbooks.Inventory
	audit     *auditor
	mu        sync.Mutex
	recorded  map[string]bool
	// lock, when set (an apply with host locks), takes a host's lock
	// before its handle is handed out (runner.lockHost).
	lock func(ctx context.Context, name string, h steps.Host) error
}

func (c *connections) get(ctx context.Context, h *runbooks.InventoryHost) (steps.MutableHost, error) {
	mh, err := c.connector.Connect(ctx, h)
	if err != nil {
		return nil, err
	}
	if mh.Info().HostKeyAccepted {
		// Held while writing, so concurrent steps on this host wait for
		// the record and a failed write is retried by the next caller:
		// no step uses an accepted host before the acceptance is audited.
		c.mu.Lock()
		defer c.mu.Unlock()
		if !c.recorded[h.Name] {
			if err := c.audit.hostKeyAccepted(h.Name, mh); err != nil {
				return nil, err
			}
			if c.recorded == nil {
				c.recorded = map[string]bool{}
			}
			c.recorded[h.Name] = true
		}
	}
	if c.lock != nil {
		if err := c.lock(ctx, h.Name, mh); err != nil {
			return nil, err
		}
	}
	return mh, nil
}

// resolver gives steps read-only handles on other inventory hosts.
type resolver struct {
	conns *connections
}

func (r resolver) Host(ctx context.Context, name string) (steps.Host, error) {
	if r.conns.inventory == nil {
		return nil, steps.Errorf(steps.ClassConfig, "host %q: no inventory was given (-i)", name)
	}
	hosts, err := r.conns.inventory.Resolve([]string{name})
	if err != nil {
		return nil, steps.Errorf(steps.ClassConfig, "%v", err)
	}
	if len(hosts) != 1 {
		return nil, steps.Errorf(steps.ClassConfig, "%q names %d hosts; a single host is needed here", name, len(hosts))
	}
	mh, err := r.conns.get(ctx, hosts[0])
	if err != nil {
		return nil, err
	}
	return readOnly{mh}, nil
}

// readOnly narrows a MutableHost to a Host, so that a diagnose or a
// repair's preview cannot type-assert its way to WriteFile.
type readOnly struct{ h steps.Host }

func (r readOnly) Info() steps.HostInfo { return r.h.Info() }
func (r readOnly) Exec(ctx context.Context, req steps.ExecRequest) (steps.ExecResult, error) {
	return r.h.Exec(ctx, req)
}
func (r readOnly) ReadFile(ctx context.Context, path string) (steps.File, error) {
	return r.h.ReadFile(ctx, path)
}

// ReadFileDigest passes steps.DigestReader through (or reads the file
// whole where the host has none).
func (r readOnly) ReadFileDigest(ctx context.Context, path string, head int) (steps.FileDigest, error) {
	return steps.ReadFileDigest(ctx, r.h, path, head)
}
func (r readOnly) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	return r.h.DialContext(ctx, network, addr)
}

var (
	_ steps.Host         = readOnly{}
	_ steps.DigestReader = readOnly{}
)
