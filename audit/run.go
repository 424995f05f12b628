package audit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"time"
)

// RunOptions configure BeginRun.
type RunOptions struct {
	RunID    string        // "": a random id
	Operator string        // written on the records that close dead runs' intents
	LockWait time.Duration // how long to wait for another process's lock on the log; 0: DefaultLockWait
	// Syslog, when set, gets a copy of every record the run appends,
	// starting with those BeginRun's recovery writes (see SyslogMirror).
	Syslog *SyslogMirror
}

// Run is one mend run's hold on an audit log: the log to append to, the
// run's lock (which tells later runs it is alive), and what BeginRun found
// left by runs that died. The engine appends through it (it is an
// engine.AuditSink); the CLI calls End when the run is over.
type Run struct {
	log    *Log
	id     string
	lock   *runLock
	syslog *SyslogMirror

	mu   sync.Mutex
	open map[intentKey]int // this run's intents without an outcome yet

	// Recovered are the intents (step_start records) of runs that died
	// mid-step, in log order: their outcome is unknown and a human must
	// look. BeginRun has closed each with an outcome-unknown step_finish
	// naming this run, so each is reported once.
	Recovered []Record
	// Notices say what BeginRun found and put right on its own, such as a
	// head file completed after a crash between records and head.
	Notices []string
}

type intentKey struct{ run, step, host string }

// BeginRun opens the audit log at path for one run (see Open for what it
// refuses), waiting for another process's lock on it at most
// opts.LockWait and no longer than ctx lives. Under that lock it takes the
// run's own lock, finds the intents without an outcome left by runs that
// have died (a run still going in another terminal is left alone) and
// closes each with an outcome-unknown record. Finding them reads the log
// only from where the oldest dead run began, not the whole log: a run that
// ends with all its intents closed leaves nothing to read. Nothing has
// been run when BeginRun fails; the caller must then run nothing.
func BeginRun(ctx context.Context, path string, opts RunOptions) (*Run, error) {
	id := opts.RunID
	if id == "" {
		id = newRunID()
	}
	log, err := openLog(ctx, path, opts.LockWait)
	if err != nil {
		return nil, err
	}
	r := &Run{log: log, id: id, open: map[intentKey]int{}, syslog: opts.Syslog}
	if opts.Syslog != nil {
		log.SetMirror(opts.Syslog)
	}
	err = log.lockedCtx(ctx, func() error { return r.recover(opts.Operator) })
	if err != nil {
		if r.lock != nil {
			r.lock.release(false)
		}
		log.Close()
		return nil, err
	}
	r.Notices = log.Notices()
	return r, nil
}

// recover is BeginRun's work under the log's flock.
func (r *Run) recover(operator string) error {
	l := r.log
	l.wmu.Lock()
	defer l.wmu.Unlock()
	if err := l.catchUp(); err != nil {
		return err
	}
	locks := newRunLocks(l.path)
	fresh, err := locks.ensureDir()
	if err != nil {
		return fmt.Errorf("audit log %s: run locks: %w", l.path, err)
	}
	r.lock, err = locks.hold(holder{PID: os.Getpid(), RunID: r.id, Since: time.Now().UTC(), Offset: l.size})
	if err != nil {
		return fmt.Errorf("audit log %s: cannot take the run lock: %w", l.path, err)
	}
	dead, err := locks.dead()
	if err != nil {
		return fmt.Errorf("audit log %s: run locks: %w", l.path, err)
	}
	defer func() {
		for _, d := range dead {
			if d.lock != nil {
				d.lock.release(true) // left for the next run: not every intent was closed
			}
		}
	}()
	from, want := r.scanPlan(fresh, dead)
	if from < 0 {
		return nil
	}
	intents, err := l.unfinishedFrom(from, want)
	if err != nil {
		return fmt.Errorf("%v; run `mend audit verify %s`", err, l.path)
	}
	for _, in := range intents {
		closing := Record{Event: EventStepFinish, RunID: in.RunID, Mode: in.Mode, Step: in.Step, Host: in.Host,
			Outcome: OutcomeUnknown, Operator: operator,
			Reason: fmt.Sprintf("no outcome was recorded (crash or lost connection); reported by run %s", r.id)}
		if _, err := l.appendOne(closing); err != nil {
			return err
		}
		r.Recovered = append(r.Recovered, in)
	}
	for i := range dead {
		dead[i].lock.release(false) // every intent of the dead run is closed now
		dead[i].lock = nil
	}
	return nil
}

// scanPlan says where to start reading for dead runs' intents (-1: no
// need to read) and whose intents to take. A log older than run locks
// (the lock directory was just made) is read whole once, and every run in
// it counts as dead, as no live run could have left a lock.
func (r *Run) scanPlan(fresh bool, dead []deadRun) (int64, func(string) bool) {
	if fresh {
		if r.log.size == 0 {
			return -1, nil
		}
		return 0, func(id string) bool { return id != r.id }
	}
	if len(dead) == 0 {
		return -1, nil
	}
	ids := map[string]bool{}
	from := r.log.size
	for _, d := range dead {
		ids[d.id] = true
		off := int64(0)
		if d.known {
			off = d.holder.Offset
		}
		from = min(from, off)
	}
	return from, func(id string) bool { return ids[id] }
}

// ID is the run's id: the engine stamps it on every record.
func (r *Run) ID() string { return r.id }

// Log is the log the run appends to.
func (r *Run) Log() *Log { return r.log }

// Append appends rec (see Log.Append) and keeps count of this run's
// intents without an outcome, so that End can leave them findable.
func (r *Run) Append(rec Record) (Record, error) {
	stored, err := r.log.Append(rec)
	if err != nil {
		return stored, err
	}
	r.track(stored)
	return stored, nil
}

// AppendBatch appends recs in one group (see Log.AppendBatch) and keeps
// count of intents like Append.
func (r *Run) AppendBatch(recs []Record) ([]Record, []error) {
	stored, errs := r.log.AppendBatch(recs)
	for i, s := range stored {
		if errs[i] == nil {
			r.track(s)
		}
	}
	return stored, errs
}

// track counts a stored record's intent open, or closes one.
func (r *Run) track(stored Record) {
	k := intentKey{stored.RunID, stored.Step, stored.Host}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch stored.Event {
	case EventStepStart:
		r.open[k]++
	case EventStepFinish:
		if r.open[k] > 1 {
			r.open[k]--
		} else {
			delete(r.open, k)
		}
	}
}

// End releases the run's lock and closes the log. A run that leaves an
// intent without an outcome (its finish record could not be written)
// leaves its lock file behind, unlocked, like a run that died: the next
// run then finds the intent and reports it.
func (r *Run) End() error {
	r.CloseSyslog()
	r.mu.Lock()
	keep := len(r.open) > 0
	r.mu.Unlock()
	if r.lock != nil {
		r.lock.release(keep)
		r.lock = nil
	}
	return r.log.Close()
}

// newRunID is a random run id.
func newRunID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// CloseSyslog stops mirroring to syslog, waits for the records queued
// (bounded, see SyslogMirror.Close) and reports. When records were lost it
// appends a note saying how many and from which seq, so an auditor
// comparing the syslog copy with the log knows the gap is mend's, not an
// attacker's. It returns a zero report when the run mirrors nothing, and
// again when called a second time.
func (r *Run) CloseSyslog() SyslogReport {
	r.mu.Lock()
	m := r.syslog
	r.syslog = nil
	r.mu.Unlock()
	if m == nil {
		return SyslogReport{}
	}
	r.log.SetMirror(nil)
	rep := m.Close()
	if rep.Lost > 0 {
		reason := fmt.Sprintf("%d audit record(s) not mirrored to syslog %s", rep.Lost, rep.Target)
		if rep.FirstLostSeq > 0 {
			reason += fmt.Sprintf(", the first seq %d", rep.FirstLostSeq)
		}
		if rep.Err != nil {
			reason += ": " + rep.Err.Error()
		}
		_, _ = r.log.Append(Record{Event: EventNote, RunID: r.id, Reason: reason})
	}
	return rep
}
