package ssh

import (
	"context"
	"strconv"
	"sync"

	"github.com/mend-sh/mend/steps"
)

// Pool hands out one connection per target name and dials each target at
// most once at a time: concurrent callers share the in-flight dial. A
// failed dial is not remembered, and a connection that died is replaced by
// a fresh dial on the next Host call.
//
// Every Host call holds the connection until Release; a held connection is
// never closed by the pool (only by Close, or by dying). A released one
// stays open, idle, for the next Host call, until Retire says no one will
// need it again, or the cap (Config.MaxConnections) needs its slot for
// another target. Callers that never Release keep every connection open
// until Close, as before the cap existed. The zero Pool is not usable;
// call NewPool.
type Pool struct {
	cfg    Config
	ctx    context.Context
	cancel context.CancelFunc

	mu    sync.Mutex
	hosts map[string]*poolEntry // the current entry of each endpoint key
	held  map[*Host]*poolEntry  // connected entries, replaced ones too while held
	open  int                   // counted entries: dialling or connected
	peak  int                   // the most counted entries ever at once
	tick  uint64                // orders releases, for LRU
	freed chan struct{}         // closed (and renewed) when a slot may be free
	// closing are entries dropped under mu, to be closed outside it.
	closing []*poolEntry
}

type poolEntry struct {
	key     string
	ready   chan struct{} // closed when the dial finished
	host    *Host
	err     error
	refs    int    // Host calls not yet released
	counted bool   // holds one of the cap's slots (a target, not a jump host)
	retire  bool   // close as soon as refs is 0
	dropped bool   // no longer in the pool
	used    uint64 // tick of the last release
	bastion *Host  // the jump host connection this one runs over, held
}

// PoolStats are a Pool's connection counts.
type PoolStats struct {
	Open int // target connections open or being dialled now
	Peak int // the most there ever were at once
	Idle int // open ones nobody holds
}

// NewPool returns an empty Pool using cfg for every connection.
func NewPool(cfg Config) *Pool {
	ctx, cancel := context.WithCancel(context.Background())
	return &Pool{cfg: cfg, ctx: ctx, cancel: cancel, hosts: map[string]*poolEntry{},
		held: map[*Host]*poolEntry{}, freed: make(chan struct{})}
}

// Host returns the live connection for t, dialling it if there is none,
// and holds it until Release. Targets are told apart by Name (Address
// when Name is empty). ctx bounds this caller's wait, for a free slot
// under the cap and for the dial: a shared dial goes on for the others,
// within Config.ConnectTimeout.
func (p *Pool) Host(ctx context.Context, t Target) (*Host, error) {
	return p.acquire(ctx, t, true)
}

// acquire is Host; counted is false for a jump host's shared connection,
// which takes no slot under the cap (so a target holding a slot never
// waits for its bastion to get one).
func (p *Pool) acquire(ctx context.Context, t Target, counted bool) (*Host, error) {
	e, err := resolve(p.cfg, t)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	ent, fresh, err := p.entry(ctx, e, counted)
	if fresh {
		e.via = p.jumpDialer(e, ent)
	}
	p.unlock()
	if err != nil {
		return nil, err
	}
	if fresh {
		go p.dial(ent, e)
	}
	select {
	case <-ent.ready:
		return ent.host, ent.err
	case <-ctx.Done():
		p.mu.Lock()
		p.unref(ent)
		p.unlock()
		return nil, ctxError(ctx, "connect to "+e.Name)
	}
}

// entry finds or makes e's entry and holds it (refs), under mu; fresh
// says the caller must dial it. At the cap it closes the least recently
// released idle connection, or waits (releasing mu) for one.
func (p *Pool) entry(ctx context.Context, e endpoint, counted bool) (ent *poolEntry, fresh bool, err error) {
	for {
		if p.ctx.Err() != nil {
			return nil, false, steps.Errorf(steps.ClassInternal, "ssh pool is closed")
		}
		if ent := p.hosts[e.key()]; ent != nil && !ent.dead() {
			ent.refs++
			return ent, false, nil
		} else if ent != nil {
			p.drop(ent)
			p.free(ent) // dead already: its slot need not wait for the close
		}
		if !counted || !p.full() {
			return p.add(e.key(), counted), true, nil
		}
		if v := p.lruIdle(); v != nil {
			// Closed before the new dial starts (acquire lets mu go
			// first), its slot going straight to the new entry.
			p.drop(v)
			p.free(v)
			return p.add(e.key(), counted), true, nil
		}
		if err := p.waitFreed(ctx, e); err != nil {
			return nil, false, err
		}
	}
}

// full reports whether a new target connection must wait for a slot.
func (p *Pool) full() bool {
	return p.cfg.MaxConnections > 0 && p.open >= p.cfg.MaxConnections
}

func (p *Pool) add(key string, counted bool) *poolEntry {
	ent := &poolEntry{key: key, ready: make(chan struct{}), refs: 1, counted: counted}
	p.hosts[key] = ent
	if counted {
		p.open++
		p.peak = max(p.peak, p.open)
	}
	return ent
}

// waitFreed lets mu go until a slot may have come free, ctx ends or the
// pool is closed; it returns with mu held.
func (p *Pool) waitFreed(ctx context.Context, e endpoint) error {
	ch := p.freed
	p.unlock()
	defer p.mu.Lock()
	select {
	case <-ch:
		return nil
	case <-p.ctx.Done():
		return nil // entry says the pool is closed
	case <-ctx.Done():
		return ctxError(ctx, "connect to "+e.Name+": waiting for one of the "+strconv.Itoa(p.cfg.MaxConnections)+" connections allowed (--max-connections)")
	}
}

// lruIdle is the counted, connected entry nobody holds that was released
// longest ago; nil when there is none.
func (p *Pool) lruIdle() *poolEntry {
	var v *poolEntry
	for _, ent := range p.hosts {
		if !ent.counted || ent.refs > 0 || !ent.finished() {
			continue
		}
		if v == nil || ent.used < v.used {
			v = ent
		}
	}
	return v
}

func (p *Pool) dial(ent *poolEntry, e endpoint) {
	h, err := dial(p.ctx, p.cfg, e)
	p.mu.Lock()
	defer p.unlock()
	ent.host, ent.err = h, err
	switch {
	case err != nil:
		p.drop(ent)
	case p.ctx.Err() != nil:
		p.drop(ent) // the pool was closed while dialling
	default:
		p.held[h] = ent
		if ent.refs == 0 {
			p.idle(ent)
		}
	}
	close(ent.ready)
}

// Release ends one Host call's hold on h. Once nobody holds it, the
// connection is idle: closed if retired, else kept for the next Host
// call (or for another target's slot under the cap).
func (p *Pool) Release(h *Host) {
	p.mu.Lock()
	defer p.unlock()
	if ent := p.held[h]; ent != nil {
		p.unref(ent)
	}
}

// Retire says no one will need t's connection again: it is closed as
// soon as nobody holds it (now, if nobody does). A later Host call for t
// dials anew.
func (p *Pool) Retire(t Target) {
	e, err := resolve(p.cfg, t)
	if err != nil {
		return
	}
	p.mu.Lock()
	defer p.unlock()
	if ent := p.hosts[e.key()]; ent != nil {
		ent.retire = true
		if ent.refs == 0 && ent.finished() {
			p.drop(ent)
		}
	}
}

// Stats returns the pool's connection counts.
func (p *Pool) Stats() PoolStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := PoolStats{Open: p.open, Peak: p.peak}
	for _, ent := range p.hosts {
		if ent.counted && ent.refs == 0 && ent.finished() {
			s.Idle++
		}
	}
	return s
}

// unref drops one hold on ent, under mu.
func (p *Pool) unref(ent *poolEntry) {
	if ent.refs == 0 {
		return
	}
	ent.refs--
	if ent.refs > 0 || !ent.finished() {
		return
	}
	if ent.dropped {
		delete(p.held, ent.host)
		return
	}
	p.idle(ent)
}

// idle notes that nobody holds ent any more, under mu.
func (p *Pool) idle(ent *poolEntry) {
	p.tick++
	ent.used = p.tick
	if ent.retire {
		p.drop(ent)
		return
	}
	p.signal()
}

// drop takes ent out of the pool, under mu: its connection is closed
// when mu is let go (unlock), and only then is its slot free, so that
// the sockets open never outnumber the cap; its hold on its jump host
// ends.
func (p *Pool) drop(ent *poolEntry) {
	if ent.dropped {
		return
	}
	ent.dropped = true
	if p.hosts[ent.key] == ent {
		delete(p.hosts, ent.key)
	}
	if ent.host == nil {
		p.free(ent)
	} else {
		p.closing = append(p.closing, ent)
		if ent.refs == 0 {
			delete(p.held, ent.host)
		}
	}
	if b := ent.bastion; b != nil {
		ent.bastion = nil
		if bent := p.held[b]; bent != nil {
			p.unref(bent)
		}
	}
}

// free gives back ent's slot under the cap, under mu.
func (p *Pool) free(ent *poolEntry) {
	if ent.counted {
		ent.counted = false
		p.open--
		p.signal()
	}
}

// signal wakes every Host call waiting for a slot, under mu.
func (p *Pool) signal() {
	close(p.freed)
	p.freed = make(chan struct{})
}

// unlock lets mu go, then closes the connections dropped meanwhile and
// frees their slots.
func (p *Pool) unlock() {
	closing := p.closing
	p.closing = nil
	p.mu.Unlock()
	if len(closing) == 0 {
		return
	}
	for _, ent := range closing {
		ent.host.Close()
	}
	p.mu.Lock()
	for _, ent := range closing {
		p.free(ent)
	}
	p.mu.Unlock()
}

// finished reports whether the entry's dial is over.
func (ent *poolEntry) finished() bool {
	select {
	case <-ent.ready:
		return true
	default:
		return false
	}
}

// dead reports whether the entry finished and holds no live connection.
func (ent *poolEntry) dead() bool {
	return ent.finished() && (ent.err != nil || !ent.host.Alive())
}

// Close closes every connection and makes further Host calls fail.
// Dials in flight are cancelled.
func (p *Pool) Close() error {
	p.mu.Lock()
	p.cancel()
	var ents []*poolEntry
	for _, ent := range p.hosts {
		ents = append(ents, ent)
	}
	for _, ent := range p.held {
		if p.hosts[ent.key] != ent {
			ents = append(ents, ent)
		}
	}
	for _, ent := range ents {
		ent.dropped, ent.counted = true, false // closed below, whatever state it is in
	}
	p.hosts, p.held = map[string]*poolEntry{}, map[*Host]*poolEntry{}
	p.open = 0
	p.unlock()
	for _, ent := range ents {
		<-ent.ready
		if ent.host != nil {
			ent.host.Close()
		}
	}
	return nil
}
