package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// Log appends records to one audit log file. Open it once per process;
// Append is safe for concurrent use, and an exclusive flock held around
// every append keeps two mend processes on the same file from interleaving
// (each re-reads the tail when the other has appended).
//
// Appends that arrive while another is being written are written together
// (group commit): one write, one fsync and one head update cover all of
// them, and each Append still returns only once its own record is durable.
// The hosts of one step, which start at the same moment, so share an
// fsync instead of taking turns.
type Log struct {
	mu       sync.Mutex // guards queue, flushing, now, notices
	queue    []*queued  // appends waiting for the next group
	flushing bool       // a goroutine is writing groups
	now      func() time.Time
	notices  []string

	wmu       sync.Mutex // held while a group is written, and by Close
	path      string
	f         *os.File
	pf        *os.File // the pending file, opened on first append
	size      int64    // length of the file when this Log last read or wrote it
	seq       uint64   // seq of the last record; 0 for an empty log
	prev      string   // sha256 of the last line; "" for an empty log
	dirSync   bool     // fsync the directory after the next head write (new files)
	lockWait  time.Duration
	write     func([]byte) (int, error) // l.f.Write; tests inject failures
	sync      func() error              // l.f.Sync; tests inject failures
	afterSync func()                    // tests: crash between the lines and the head
	mirror    interface{ Send([]byte) } // gets each group's lines once durable (SetMirror)
}

// queued is one Append waiting for its group to be written.
type queued struct {
	rec    Record
	stored Record
	err    error
	done   chan struct{}
}

// Open opens the audit log at path for appending, creating its directory
// (0700) and the file (0600) when missing. It reads the last line and the
// head file to continue the chain, and refuses a log whose last line is
// torn or invalid, whose head file shows records missing at the end, or
// that runs past its head by records no append announced (see
// pendingMark): appending would bury the damage, so the error says to run
// `mend audit verify` (or, for a torn last line, `mend audit repair`). It
// refuses a log that is a symbolic link or not a regular file (without
// blocking on a FIFO), and one whose directory other users can write to
// without the sticky bit. It waits at most DefaultLockWait for another
// process's lock. Open checks the tail only; Verify checks every line.
func Open(path string) (*Log, error) {
	return openLog(context.Background(), path, DefaultLockWait)
}

func openLog(ctx context.Context, path string, wait time.Duration) (*Log, error) {
	if path == "" {
		return nil, errors.New("audit log path is empty")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("audit log %s: create directory: %w", path, err)
	}
	if err := checkDir(filepath.Dir(path)); err != nil {
		return nil, fmt.Errorf("audit log %s: %w", path, err)
	}
	f, created, err := openFile(path)
	if err != nil {
		return nil, fmt.Errorf("audit log %s: %w", path, err)
	}
	if wait <= 0 {
		wait = DefaultLockWait
	}
	l := &Log{path: path, f: f, dirSync: created, now: time.Now, write: f.Write, sync: f.Sync, lockWait: wait}
	if created {
		if err := syncDir(filepath.Dir(path)); err != nil {
			f.Close()
			return nil, fmt.Errorf("audit log %s: fsync directory: %w", path, err)
		}
	}
	if err := l.lockedCtx(ctx, l.reload); err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

// openFile creates path exclusively, or opens the existing file; created
// says which, so the caller knows to fsync the directory. It refuses a
// symbolic link (O_NOFOLLOW): the log must be the file named, not
// whatever a link planted at its name points to; and anything but a
// regular file.
func openFile(path string) (f *os.File, created bool, err error) {
	f, err = openRegular(path, os.O_RDWR|os.O_APPEND|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		return f, true, nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return nil, false, openErr(err)
	}
	f, err = openRegular(path, os.O_RDWR|os.O_APPEND, 0)
	return f, false, openErr(err)
}

func openErr(err error) error {
	if errors.Is(err, syscall.ELOOP) {
		return errors.New("the log is a symbolic link; give the path of the file itself")
	}
	return err
}

// SetClock replaces the clock that stamps records (tests); nil restores
// time.Now.
func (l *Log) SetClock(now func() time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now == nil {
		now = time.Now
	}
	l.now = now
}

// Path is the file the log appends to.
func (l *Log) Path() string { return l.path }

// Last returns the seq and line sha256 of the last record this Log knows
// of (0 and "" for an empty log).
func (l *Log) Last() (seq uint64, sha256 string) {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	return l.seq, l.prev
}

// Notices returns, once, what the Log found and put right on its own: a
// head completed after a crash between records and head.
func (l *Log) Notices() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := l.notices
	l.notices = nil
	return n
}

func (l *Log) notice(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.notices = append(l.notices, fmt.Sprintf(format, args...))
}

// Append stores r as the next record: it sets Seq, Prev and Time, writes
// the line, fsyncs it and replaces the head file, then returns the record
// as stored. It returns only after the record is on disk (records appended
// at the same time by other goroutines share the write and the fsync). On
// any error the caller must not start the action the record announces:
// fail closed. The record is then not stored (a partly written line is
// truncated away) and the chain does not advance. If even that rollback
// fails, the error says so: a torn line left behind makes the next Append
// and Open refuse the log; a whole line left behind stays in the chain,
// and an intent nobody acted on is later reported as outcome unknown,
// which errs on the safe side.
func (l *Log) Append(r Record) (Record, error) {
	if err := r.validate(); err != nil {
		return Record{}, err
	}
	q := &queued{rec: r, done: make(chan struct{})}
	l.commit([]*queued{q})
	return q.stored, q.err
}

// AppendBatch stores rs as consecutive records in one group: one write,
// one fsync and one head update cover them all (the intents, or the
// outcomes, of every host of one step batch). It returns each record as
// stored and, at the same index, its error: nil when that record is on
// disk. A record that is invalid or too large fails alone; any other
// error fails every record of the batch. As with Append, the caller must
// not start what a record with an error announces.
func (l *Log) AppendBatch(rs []Record) ([]Record, []error) {
	stored, errs := make([]Record, len(rs)), make([]error, len(rs))
	var qs []*queued
	idx := make([]int, 0, len(rs))
	for i, r := range rs {
		if errs[i] = r.validate(); errs[i] != nil {
			continue
		}
		qs = append(qs, &queued{rec: r, done: make(chan struct{})})
		idx = append(idx, i)
	}
	if len(qs) > 0 {
		l.commit(qs)
	}
	for j, q := range qs {
		stored[idx[j]], errs[idx[j]] = q.stored, q.err
	}
	return stored, errs
}

// commit queues qs together, so they are written in the same group, and
// returns when all of them are done: the first caller to find no group
// being written writes groups until the queue is empty; the others wait.
func (l *Log) commit(qs []*queued) {
	l.mu.Lock()
	l.queue = append(l.queue, qs...)
	if !l.flushing {
		l.flushing = true
		for len(l.queue) > 0 {
			group := l.queue
			l.queue = nil
			now := l.now
			l.mu.Unlock()
			l.writeGroup(group, now)
			l.mu.Lock()
		}
		l.flushing = false
	}
	l.mu.Unlock()
	for _, q := range qs {
		<-q.done
	}
}

// writeGroup writes one group of appends and tells each its result.
func (l *Log) writeGroup(group []*queued, now func() time.Time) {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	defer func() {
		for _, q := range group {
			close(q.done)
		}
	}()
	if l.f == nil {
		for _, q := range group {
			q.err = fmt.Errorf("audit log %s is closed", l.path)
		}
		return
	}
	err := l.locked(func() error { return l.appendLocked(group, now) })
	for _, q := range group {
		if q.err == nil {
			q.err = err
		}
	}
}

// appendLocked writes a group under the write mutex and the flock: the
// pending mark, the lines in one write, one fsync, then the head. A record
// too large to store fails alone; any other error fails the group.
func (l *Log) appendLocked(group []*queued, now func() time.Time) error {
	if err := l.catchUp(); err != nil {
		return err
	}
	var buf []byte
	var ok []*queued
	seq, prev := l.seq, l.prev
	for _, q := range group {
		r := q.rec
		r.Seq, r.Prev, r.Time = seq+1, prev, now().UTC()
		line, err := json.Marshal(r)
		if err != nil {
			q.err = fmt.Errorf("audit log %s: encode record: %w", l.path, err)
			continue
		}
		if len(line) >= maxRecordBytes {
			q.err = fmt.Errorf("audit log %s: %s record is %d bytes, over the limit of %d", l.path, r.Event, len(line), maxRecordBytes)
			continue
		}
		seq, prev = r.Seq, lineSHA256(line)
		q.stored = r
		buf = append(append(buf, line...), '\n')
		ok = append(ok, q)
	}
	if len(ok) == 0 {
		return nil
	}
	fail := func(err error) error {
		for _, q := range ok {
			q.stored = Record{}
		}
		return err
	}
	if err := l.markPending(pendingMark{Seq: l.seq, SHA256: l.prev, NextSeq: seq, NextSHA256: prev}); err != nil {
		return fail(fmt.Errorf("audit log %s: record not stored: %w", l.path, err))
	}
	if _, err := l.write(buf); err != nil {
		return fail(l.rollback(fmt.Errorf("write: %w", err)))
	}
	if err := l.sync(); err != nil {
		return fail(l.rollback(fmt.Errorf("fsync: %w", err)))
	}
	if l.afterSync != nil {
		l.afterSync()
	}
	if err := l.putHead(head{Seq: seq, SHA256: prev}); err != nil {
		return fail(l.rollback(err))
	}
	l.size += int64(len(buf))
	l.seq, l.prev = seq, prev
	if l.mirror != nil {
		l.mirror.Send(buf)
	}
	return nil
}

// appendOne appends r under the write mutex and flock the caller holds
// (Repair, BeginRun's recovery).
func (l *Log) appendOne(r Record) (Record, error) {
	if err := r.validate(); err != nil {
		return Record{}, err
	}
	l.mu.Lock()
	now := l.now
	l.mu.Unlock()
	q := &queued{rec: r}
	if err := l.appendLocked([]*queued{q}, now); err != nil {
		return Record{}, err
	}
	return q.stored, q.err
}

// rollback truncates the log back to its length before a failed append.
func (l *Log) rollback(cause error) error {
	err := fmt.Errorf("audit log %s: record not stored: %w", l.path, cause)
	if terr := l.f.Truncate(l.size); terr != nil {
		return fmt.Errorf("%w (removing the partial record also failed: %v; run `mend audit verify %s`)", err, terr, l.path)
	}
	_ = l.sync() // best effort: if the lines come back after a crash, the pending mark accounts for them
	return err
}

// SetMirror makes every group of records, once durable, also go to m (nil:
// to no one); see SyslogMirror.
func (l *Log) SetMirror(m interface{ Send([]byte) }) {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	l.mirror = m
}

// Close closes the file. Appending after Close is an error.
func (l *Log) Close() error {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	if l.pf != nil {
		l.pf.Close()
		l.pf = nil
	}
	return err
}
