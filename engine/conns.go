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
//
// Every handle get returns is given back with put once its user is done
// with it, so that a Releaser (the SSH pool) knows which connections are
// idle; retire tells it those no later step needs.
type connections struct {
	connector Connector
	inventory *runbooks.Inventory
	audit     *auditor
	mu        sync.Mutex
	recorded  map[string]bool
	// touched are the hosts connected since the last sweep (retire).
	touched map[string]*runbooks.InventoryHost
	// lock, when set (an apply with host locks), takes a host's lock
	// before its handle is handed out (runner.lockHost).
	lock func(ctx context.Context, name string, h steps.Host) error
	// unlock, when set (an apply with host locks), releases a host's lock
	// over h once the run is done with the host: its last handle is
	// given back (put) and no later step goes to it. The lock is
	// released over the connection still open, instead of one dialled
	// again at the end of the run (runner.endLocks), which releases
	// only the locks still held then.
	unlock func(name string, h steps.Host)
	// holders counts the handles of each host handed out and not yet
	// given back.
	holders map[string]int
}

func (c *connections) get(ctx context.Context, h *runbooks.InventoryHost) (steps.MutableHost, error) {
	// Counted before connecting: a holder on its way keeps the host's
	// last put from releasing its lock (unlock).
	c.mu.Lock()
	if c.holders == nil {
		c.holders = map[string]int{}
	}
	c.holders[h.Name]++
	c.mu.Unlock()
	mh, err := c.connector.Connect(ctx, h)
	if err != nil {
		c.mu.Lock()
		c.holders[h.Name]--
		c.mu.Unlock()
		return nil, err
	}
	c.touch(h)
	if err := c.recordAccepted(h, mh); err != nil {
		c.put(h, mh, false)
		return nil, err
	}
	if c.lock != nil {
		if err := c.lock(ctx, h.Name, mh); err != nil {
			c.put(h, mh, false)
			return nil, err
		}
	}
	return mh, nil
}

// touch notes that h was connected, for the next sweep.
func (c *connections) touch(h *runbooks.InventoryHost) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.touched == nil {
		c.touched = map[string]*runbooks.InventoryHost{}
	}
	c.touched[h.Name] = h
}

// put gives back a handle get returned; last says no later step of the
// run goes to h, so its connection can be closed once nobody holds it
// (and the host's lock released, by the last holder: see unlock).
func (c *connections) put(h *runbooks.InventoryHost, mh steps.MutableHost, last bool) {
	if h == nil || mh == nil {
		return
	}
	c.mu.Lock()
	c.holders[h.Name]--
	idle := c.holders[h.Name] == 0
	c.mu.Unlock()
	rel, ok := c.connector.(Releaser)
	if !ok {
		return
	}
	if last && idle && c.unlock != nil {
		c.unlock(h.Name, mh)
	}
	rel.Release(h, mh)
	if last {
		c.mu.Lock()
		delete(c.touched, h.Name)
		c.mu.Unlock()
		rel.Retire(h)
	}
}

// retire closes, once nobody holds them, the connections of the hosts
// connected since the last call that need (nil: unknown) does not name.
func (c *connections) retire(need map[string]bool) {
	rel, ok := c.connector.(Releaser)
	if !ok || need == nil {
		return
	}
	c.mu.Lock()
	var done []*runbooks.InventoryHost
	for name, h := range c.touched {
		if !need[name] {
			done = append(done, h)
			delete(c.touched, name)
		}
	}
	c.mu.Unlock()
	for _, h := range done {
		rel.Retire(h)
	}
}

// recordAccepted writes the audit record of a host key accepted on first
// use, once per host.
func (c *connections) recordAccepted(h *runbooks.InventoryHost, mh steps.MutableHost) error {
	if mh.Info().HostKeyAccepted {
		// Held while writing, so concurrent steps on this host wait for
		// the record and a failed write is retried by the next caller:
		// no step uses an accepted host before the acceptance is audited.
		c.mu.Lock()
		defer c.mu.Unlock()
		if !c.recorded[h.Name] {
			if err := c.audit.hostKeyAccepted(h.Name, mh); err != nil {
				return err
			}
			if c.recorded == nil {
				c.recorded = map[string]bool{}
			}
			c.recorded[h.Name] = true
		}
	}
	return nil
}

// resolver gives steps read-only handles on other inventory hosts, held
// until release (when the step is done).
type resolver struct {
	conns *connections
	mu    sync.Mutex
	held  []heldHost
}

type heldHost struct {
	host *runbooks.InventoryHost
	mh   steps.MutableHost
}

func (c *connections) resolver() *resolver { return &resolver{conns: c} }

// release gives back every handle the resolver handed out.
func (r *resolver) release() {
	r.mu.Lock()
	held := r.held
	r.held = nil
	r.mu.Unlock()
	for _, h := range held {
		r.conns.put(h.host, h.mh, false)
	}
}

func (r *resolver) Host(ctx context.Context, name string) (steps.Host, error) {
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
	r.mu.Lock()
	r.held = append(r.held, heldHost{hosts[0], mh})
	r.mu.Unlock()
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
