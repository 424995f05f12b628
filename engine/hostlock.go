package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/hostlock"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// HostLocks turn on the locks held on the target hosts themselves
// (package hostlock), so that two operators applying from different
// machines cannot apply to the same host at once. An apply takes the lock
// on every host it connects to before any step runs there (the hosts its
// steps' `on` name before the run all at once, before the first step; a
// host known only later, when it first connects) and releases each at
// the end, if it still holds it. A plan only reads them, to show who
// holds one, as it first connects to each host. Options.HostLocks nil:
// no locks.
type HostLocks struct {
	Locker  hostlock.Locker
	Machine string // the name of the machine mend runs on, for the owner file
}

// LockStatus is what a run did with, or found in, a host's lock.
type LockStatus string

// Lock statuses.
const (
	LockHeld        LockStatus = "held"         // plan: another run holds it
	LockRefused     LockStatus = "refused"      // apply: another run holds it, nothing ran on the host
	LockError       LockStatus = "error"        // it could not be read, taken or released
	LockReleased    LockStatus = "released"     // apply: taken, and released at the end
	LockNotReleased LockStatus = "not-released" // apply: taken, but another run holds it at the end
	LockAcquired    LockStatus = "acquired"     // apply: taken (until released)
)

// HostLock is the lock on one host, as the run found or left it.
type HostLock struct {
	Host   string     `json:"host"`
	Status LockStatus `json:"status"`
	// Holder is the other run that holds it (held, refused, not-released).
	Holder *hostlock.Holder `json:"holder,omitempty"`
	// Broke is the run whose lock --break-lock broke to take it; BrokeBy
	// says what allowed it ("--break-lock", or the --resume of that run).
	Broke   *hostlock.Holder `json:"broke,omitempty"`
	BrokeBy string           `json:"broke_by,omitempty"`
	Error   string           `json:"error,omitempty"`
}

// lockError is a host whose lock this apply could not take.
type lockError struct{ msg string }

func (e *lockError) Error() string { return e.msg }

// lockSet is one run's locks.
type lockSet struct {
	mu    sync.Mutex
	hosts map[string]*lockEntry
	list  []*HostLock // in the order found; sorted into Run.HostLocks at the end
	since time.Time   // when the run began taking them, for the owner file
	// err says why the run did not start: locks not taken.
	err string
	// busy counts, per machine (machineOf), the inventory names whose
	// lock this run holds and which are not done yet (unlockDone): two
	// names of one machine share its lock, released when both are done.
	busy map[string]int
}

type lockEntry struct {
	mu   sync.Mutex
	done bool
	err  error
	held steps.Host // set while this run holds the lock
	lock *HostLock
	// machine (machineOf held) and finished (the run is done with the
	// name: unlockDone) are guarded by lockSet.mu.
	machine  string
	finished bool
}

// machineOf names the machine and login user behind h, whose lock all
// inventory names of that machine share: its host key (its address when
// it has none, as a local host), and the user. Two machines with one
// host key (cloned images) count as one: their locks are then released
// together, when both are done, which errs on the safe side.
func machineOf(h steps.Host) string {
	info := h.Info()
	id := info.HostKeyFingerprint
	if id == "" {
		id = info.Address
	}
	return id + "\x00" + info.User
}

func (s *lockSet) entry(name string) *lockEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hosts == nil {
		s.hosts = map[string]*lockEntry{}
	}
	if s.hosts[name] == nil {
		s.hosts[name] = &lockEntry{}
	}
	return s.hosts[name]
}

// startLocks takes (apply) or reads (plan) the locks of every host the
// steps name before the run. An apply that cannot take one runs nothing.
func (r *runner) startLocks(ctx context.Context) {
	if r.e.opts.HostLocks == nil {
		return
	}
	if !hasRepair(r.req.Runbook) {
		// Changes nothing: its apply takes no lock, so its plan reads none
		// (one session per host fewer for a read-only runbook).
		return
	}
	r.locks.since = r.e.opts.Now().UTC()
	if r.mode == ModePlan {
		// Read as each host is first connected: reading them all up
		// front would hold a connection to every host before the first
		// step (1,000 hosts, 1,000 connections).
		r.conns.lock = r.readLock
		return
	}
	hosts := r.knownTargets()
	r.conns.lock = r.lockHost
	r.conns.unlock = func(name string, h steps.Host) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		r.unlockDone(ctx, name, h)
	}
	var refusals []string
	var mu sync.Mutex
	r.forHosts(hosts, func(h *runbooks.InventoryHost) {
		var le *lockError
		mh, err := r.conns.get(ctx, h)
		if errors.As(err, &le) {
			mu.Lock()
			refusals = append(refusals, le.msg)
			mu.Unlock()
		}
		r.conns.put(h, mh, false)
	})
	if len(refusals) > 0 {
		sort.Strings(refusals)
		r.stopped = "the hosts' locks were not all taken"
		r.locks.err = fmt.Sprintf("%s; nothing was run. If that run is dead (killed, its machine gone), "+
			"mend apply --break-lock breaks its lock (audited)", strings.Join(refusals, "; "))
	}
}

// hasRepair reports whether the runbook has a repair.
func hasRepair(rb *runbooks.Runbook) bool {
	for _, st := range rb.Steps {
		if st.Phase == runbooks.Repair {
			return true
		}
	}
	return false
}

// knownTargets are the hosts that steps' `on` (or their stage's) name
// before the run, in the order first named.
func (r *runner) knownTargets() []*runbooks.InventoryHost {
	if r.req.Inventory == nil {
		return nil
	}
	ctx := r.scope.evalContext(nil, cty.NilVal)
	seen := map[string]bool{}
	var out []*runbooks.InventoryHost
	for _, st := range r.req.Runbook.Steps {
		on := st.On
		if on == nil && st.Stage != nil && !st.Between {
			on = st.Stage.On
		}
		if on == nil || !onlyVariables(on) {
			continue
		}
		names, known, err := evalTargets(on, ctx)
		if err != nil || !known {
			continue
		}
		hosts, err := r.req.Inventory.Resolve(names)
		if err != nil {
			continue
		}
		for _, h := range hosts {
			if !seen[h.Name] {
				seen[h.Name] = true
				out = append(out, h)
			}
		}
	}
	return out
}

// forHosts calls fn for every host, at most Parallelism at once.
func (r *runner) forHosts(hosts []*runbooks.InventoryHost, fn func(*runbooks.InventoryHost)) {
	tasks := make([]*hostTask, len(hosts))
	for i, h := range hosts {
		tasks[i] = &hostTask{host: h}
	}
	r.parallel(tasks, func(t *hostTask) { fn(t.host) })
}

// readLock notes, in a plan, who holds h's lock, once per host. It
// changes nothing, and never keeps the step from running.
func (r *runner) readLock(ctx context.Context, name string, h steps.Host) error {
	e := r.locks.entry(name)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.done {
		return nil
	}
	e.done = true
	holder, err := r.e.opts.HostLocks.Locker.Read(ctx, h)
	switch {
	case err != nil:
		r.addLock(&HostLock{Host: name, Status: LockError, Error: r.redact.String(err.Error())})
	case holder != nil:
		r.addLock(&HostLock{Host: name, Status: LockHeld, Holder: holder})
	}
	return nil
}

func (r *runner) addLock(l *HostLock) {
	r.locks.mu.Lock()
	defer r.locks.mu.Unlock()
	r.locks.list = append(r.locks.list, l)
}

// lockHost takes h's lock in an apply, once per host; every later call
// for the host returns the first one's error.
func (r *runner) lockHost(ctx context.Context, name string, h steps.Host) error {
	e := r.locks.entry(name)
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.done {
		e.done = true
		if e.lock == nil {
			e.lock = &HostLock{Host: name}
			r.addLock(e.lock)
		} else {
			*e.lock = HostLock{Host: name} // taken again after it was released (unlockDone)
		}
		steps.MoreCommands(h) // its release follows, and the steps
		e.err = r.takeLock(ctx, name, h, e)
		if e.held != nil {
			r.locks.mu.Lock()
			e.machine, e.finished = machineOf(h), false
			if r.locks.busy == nil {
				r.locks.busy = map[string]int{}
			}
			r.locks.busy[e.machine]++
			r.locks.mu.Unlock()
		}
	}
	return e.err
}

// takeLock takes h's lock, breaking another run's with --break-lock,
// and audits what it did.
func (r *runner) takeLock(ctx context.Context, name string, h steps.Host, e *lockEntry) error {
	locker := r.e.opts.HostLocks.Locker
	owner := r.owner()
	res, err := locker.Acquire(ctx, h, owner)
	why, breaks := r.mayBreak(res.Held)
	if err == nil && res.Held != nil && breaks {
		old := *res.Held
		if aerr := r.audit.hostLock(name, h, "break", "breaking the lock of "+old.String()+" ("+why+")", &old); aerr != nil {
			return r.lockFailed(e, name, h, aerr)
		}
		if res, err = locker.Break(ctx, h, owner, old); err == nil && res.Acquired && res.Broke {
			e.lock.Broke, e.lock.BrokeBy = &old, why
		}
	}
	switch {
	case err != nil:
		return r.lockFailed(e, name, h, err)
	case !res.Acquired:
		e.lock.Status, e.lock.Holder = LockRefused, res.Held
		msg := fmt.Sprintf("host %s is locked by %s", name, res.Held)
		_ = r.audit.hostLock(name, h, "refused", msg, res.Held)
		return &lockError{msg: msg}
	}
	e.held, e.lock.Status = h, LockAcquired
	reason, action := "lock taken", "acquired"
	if e.lock.Broke != nil {
		reason, action = "broke and took the lock of run "+e.lock.Broke.Owner.RunID+" ("+why+")", "broken"
	}
	if aerr := r.audit.hostLock(name, h, action, reason, e.lock.Broke); aerr != nil {
		return r.lockFailed(e, name, h, aerr)
	}
	return nil
}

// lockFailed records a lock that could not be taken or audited.
func (r *runner) lockFailed(e *lockEntry, name string, h steps.Host, err error) error {
	msg := r.redact.String(err.Error())
	e.lock.Status, e.lock.Error = LockError, msg
	_ = r.audit.hostLock(name, h, "error", "cannot take the lock: "+msg, nil)
	return &lockError{msg: fmt.Sprintf("host %s: cannot take the lock: %s", name, msg)}
}

// owner is what this run writes in the locks it takes.
func (r *runner) owner() hostlock.Owner {
	return hostlock.Owner{RunID: r.run.RunID, Operator: r.e.opts.Operator, Machine: r.e.opts.HostLocks.Machine,
		Runbook: r.run.Runbook, RunbookSHA256: r.run.RunbookSHA256, Since: r.locks.since}
}

// endLocks releases, at the end of an apply, every lock this run still
// holds (a lock another run holds by then is left alone), even when the
// run was interrupted, and orders the run's locks by host.
func (r *runner) endLocks(ctx context.Context) {
	if r.e.opts.HostLocks == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	var held []*lockEntry
	for _, e := range r.locks.hosts {
		if e.held != nil {
			held = append(held, e)
		}
	}
	sem := make(chan struct{}, r.e.opts.Parallelism)
	var wg sync.WaitGroup
	for _, e := range held {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			r.releaseLock(ctx, e)
		}()
	}
	wg.Wait()
	sort.Slice(r.locks.list, func(i, j int) bool { return r.locks.list[i].Host < r.locks.list[j].Host })
	r.run.HostLocks = r.locks.list
	if r.locks.err != "" {
		r.run.Err = r.locks.err
	}
}

// unlockDone releases, over h, the lock of a host the run is done with
// (see connections.unlock), if this run still holds it. Inventory names
// of one machine share its lock: it is released when the last of them is
// done, for all of them. A release that fails here (the host's last step
// took the connection down: a restart of sshd, a reboot) leaves the lock
// to the end of the run, which connects again (endLocks). Once released,
// a name is locked again if the run connects to it again after all (a
// step reading it through another host's step).
func (r *runner) unlockDone(ctx context.Context, name string, h steps.Host) {
	r.locks.mu.Lock()
	e := r.locks.hosts[name]
	if e == nil || e.machine == "" || e.finished {
		r.locks.mu.Unlock()
		return
	}
	e.finished = true
	r.locks.busy[e.machine]--
	if r.locks.busy[e.machine] > 0 {
		r.locks.mu.Unlock()
		return
	}
	var names []*lockEntry
	for _, o := range r.locks.hosts {
		if o.machine == e.machine && o.finished {
			names = append(names, o)
		}
	}
	r.locks.mu.Unlock()
	sort.Slice(names, func(i, j int) bool { return names[i].lock.Host < names[j].lock.Host })
	other, err := r.e.opts.HostLocks.Locker.Release(ctx, h, r.run.RunID)
	if err != nil {
		return // endLocks tries again
	}
	for _, o := range names {
		o.mu.Lock()
		if o.held != nil {
			r.recordRelease(o, o.held, other, nil)
			o.done = false // a later connection takes it again
		}
		o.mu.Unlock()
	}
}

// releaseLock releases, at the end of the run, one lock this run took
// and still holds, and audits it. The connection it was taken over may
// have been closed since (--max-connections, or no step left on the host
// when that was known only after its last step): the host is connected
// again.
func (r *runner) releaseLock(ctx context.Context, e *lockEntry) {
	r.locks.mu.Lock()
	e.finished = true // released here, not by the put below (unlockDone)
	r.locks.mu.Unlock()
	e.mu.Lock()
	h := e.held
	e.mu.Unlock()
	if ih := r.req.Inventory.Host(e.lock.Host); ih != nil {
		if mh, err := r.conns.get(ctx, ih); err == nil {
			defer r.conns.put(ih, mh, true) // after the release: e.held is nil by then
			h = mh
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	other, err := r.e.opts.HostLocks.Locker.Release(ctx, h, r.run.RunID)
	r.recordRelease(e, h, other, err)
}

// recordRelease records what releasing e's lock over h found (another
// holder, an error, or released) and forgets the handle; e.mu is held.
func (r *runner) recordRelease(e *lockEntry, h steps.Host, other *hostlock.Holder, err error) {
	name := e.lock.Host
	switch {
	case err != nil:
		e.lock.Status, e.lock.Error = LockError, r.redact.String(err.Error())
		_ = r.audit.hostLock(name, h, "not_released", "cannot release the lock: "+e.lock.Error, nil)
	case other != nil:
		e.lock.Status, e.lock.Holder = LockNotReleased, other
		_ = r.audit.hostLock(name, h, "not_released", "not released: now held by "+other.String(), other)
	default:
		e.lock.Status = LockReleased
		_ = r.audit.hostLock(name, h, "released", "lock released", nil)
	}
	e.held = nil
}

// hostLock records what the run did with h's lock. action is acquired,
// refused, break (before breaking), broken, released, not_released or
// error; holder is the other run concerned, if any.
func (a *auditor) hostLock(name string, h steps.Host, action, reason string, holder *hostlock.Holder) error {
	r := audit.Record{Event: audit.EventHostLock, Reason: reason, Detail: map[string]string{"action": action}}
	switch action {
	case "refused", "error":
		r.Outcome = audit.OutcomeRefused
	case "not_released":
		r.Outcome = audit.OutcomeFailed
	default:
		r.Outcome = audit.OutcomeOK
	}
	if holder != nil {
		r.Detail["holder"] = holder.String()
		r.Detail["holder_run_id"] = holder.Owner.RunID
	}
	hostFields(&r, h, name)
	return a.append(r)
}
