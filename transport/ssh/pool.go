package ssh

import (
	"context"
	"sync"

	"github.com/mend-sh/mend/steps"
)

// Pool hands out one connection per target name and dials each target at
// most once at a time: concurrent callers share the in-flight dial. A
// failed dial is not remembered, and a connection that died is replaced by
// a fresh dial on the next Host call. The zero Pool is not usable; call
// NewPool.
type Pool struct {
	cfg    Config
	ctx    context.Context
	cancel context.CancelFunc

	mu    sync.Mutex
	hosts map[string]*poolEntry
}

type poolEntry struct {
	ready chan struct{} // closed when the dial finished
	host  *Host
	err   error
}

// NewPool returns an empty Pool using cfg for every connection.
func NewPool(cfg Config) *Pool {
	ctx, cancel := context.WithCancel(context.Background())
	return &Pool{cfg: cfg, ctx: ctx, cancel: cancel, hosts: map[string]*poolEntry{}}
}

// Host returns the live connection for t, dialling it if there is none.
// Targets are told apart by Name (Address when Name is empty). ctx only
// bounds this caller's wait: a shared dial goes on for the others, within
// Config.ConnectTimeout.
func (p *Pool) Host(ctx context.Context, t Target) (*Host, error) {
	e, err := resolve(p.cfg, t)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	if p.ctx.Err() != nil {
		p.mu.Unlock()
		return nil, steps.Errorf(steps.ClassInternal, "ssh pool is closed")
	}
	e.via = p.jumpDialer(e)
	ent := p.hosts[e.key()]
	if ent != nil && ent.dead() {
		ent = nil
	}
	if ent == nil {
		ent = &poolEntry{ready: make(chan struct{})}
		p.hosts[e.key()] = ent
		go p.dial(ent, e)
	}
	p.mu.Unlock()
	select {
	case <-ent.ready:
		return ent.host, ent.err
	case <-ctx.Done():
		return nil, ctxError(ctx, "connect to "+e.Name)
	}
}

func (p *Pool) dial(ent *poolEntry, e endpoint) {
	ent.host, ent.err = dial(p.ctx, p.cfg, e)
	p.mu.Lock()
	defer p.mu.Unlock()
	if ent.err != nil && p.hosts[e.key()] == ent {
		delete(p.hosts, e.key())
	}
	if ent.err == nil && p.ctx.Err() != nil {
		ent.host.Close() // the pool was closed while dialling
	}
	close(ent.ready)
}

// dead reports whether the entry finished and holds no live connection.
func (ent *poolEntry) dead() bool {
	select {
	case <-ent.ready:
		return ent.err != nil || !ent.host.Alive()
	default:
		return false
	}
}

// Close closes every connection and makes further Host calls fail.
// Dials in flight are cancelled.
func (p *Pool) Close() error {
	p.mu.Lock()
	p.cancel()
	ents := p.hosts
	p.hosts = map[string]*poolEntry{}
	p.mu.Unlock()
	for _, ent := range ents {
		<-ent.ready
		if ent.host != nil {
			ent.host.Close()
		}
	}
	return nil
}
