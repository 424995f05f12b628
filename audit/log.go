package audit

import (
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
type Log struct {
	mu      sync.Mutex
	path    string
	f       *os.File
	size    int64  // length of the file when this Log last read or wrote it
	seq     uint64 // seq of the last record; 0 for an empty log
	prev    string // sha256 of the last line; "" for an empty log
	dirSync bool   // fsync the directory after the next head write (new files)
	now     func() time.Time
	write   func([]byte) (int, error) // l.f.Write; tests inject failures
	sync    func() error              // l.f.Sync; tests inject failures
}

// Open opens the audit log at path for appending, creating its directory
// (0700) and the file (0600) when missing. It reads the last line and the
// head file to continue the chain, and refuses a log whose last line is
// torn or invalid, or whose head file shows records missing at the end:
// appending would bury the damage, so the error says to run
// `mend audit verify` (or, for a torn last line, `mend audit repair`). It
// refuses a log that is a symbolic link, or whose directory other users
// can write to without the sticky bit. Open checks the tail only; Verify
// checks every line.
func Open(path string) (*Log, error) {
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
	l := &Log{path: path, f: f, dirSync: created, now: time.Now, write: f.Write, sync: f.Sync}
	if created {
		if err := syncDir(filepath.Dir(path)); err != nil {
			f.Close()
			return nil, fmt.Errorf("audit log %s: fsync directory: %w", path, err)
		}
	}
	if err := l.locked(l.reload); err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

// openFile creates path exclusively, or opens the existing file; created
// says which, so the caller knows to fsync the directory. It refuses a
// symbolic link (O_NOFOLLOW): the log must be the file named, not
// whatever a link planted at its name points to.
func openFile(path string) (f *os.File, created bool, err error) {
	f, err = os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		return f, true, nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return nil, false, err
	}
	f, err = os.OpenFile(path, os.O_RDWR|os.O_APPEND|syscall.O_NOFOLLOW, 0)
	if errors.Is(err, syscall.ELOOP) {
		return nil, false, errors.New("the log is a symbolic link; give the path of the file itself")
	}
	return f, false, err
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
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seq, l.prev
}

// Append stores r as the next record: it sets Seq, Prev and Time, writes
// the line with one write, fsyncs it and replaces the head file, then
// returns the record as stored. It returns only after the record is on
// disk. On any error the caller must not start the action the record
// announces: fail closed. The record is then not stored (a partly written
// line is truncated away) and the chain does not advance. If even that
// rollback fails, the error says so: a torn line left behind makes the next
// Append and Open refuse the log; a whole line left behind stays in the
// chain, and an intent nobody acted on is later reported as outcome
// unknown, which errs on the safe side.
func (l *Log) Append(r Record) (Record, error) {
	if err := r.validate(); err != nil {
		return Record{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return Record{}, fmt.Errorf("audit log %s is closed", l.path)
	}
	var stored Record
	err := l.locked(func() error {
		var err error
		stored, err = l.appendLocked(r)
		return err
	})
	return stored, err
}

// appendLocked is Append under the mutex and the flock.
func (l *Log) appendLocked(r Record) (Record, error) {
	if err := l.catchUp(); err != nil {
		return Record{}, err
	}
	r.Seq, r.Prev, r.Time = l.seq+1, l.prev, l.now().UTC()
	line, err := json.Marshal(r)
	if err != nil {
		return Record{}, fmt.Errorf("audit log %s: encode record: %w", l.path, err)
	}
	if len(line) >= maxRecordBytes {
		return Record{}, fmt.Errorf("audit log %s: %s record is %d bytes, over the limit of %d", l.path, r.Event, len(line), maxRecordBytes)
	}
	if _, err := l.write(append(line, '\n')); err != nil {
		return Record{}, l.rollback(fmt.Errorf("write: %w", err))
	}
	if err := l.sync(); err != nil {
		return Record{}, l.rollback(fmt.Errorf("fsync: %w", err))
	}
	sha := lineSHA256(line)
	if err := l.putHead(head{Seq: r.Seq, SHA256: sha}); err != nil {
		return Record{}, l.rollback(err)
	}
	l.size += int64(len(line)) + 1
	l.seq, l.prev = r.Seq, sha
	return r, nil
}

// rollback truncates the log back to its length before a failed append.
func (l *Log) rollback(cause error) error {
	err := fmt.Errorf("audit log %s: record not stored: %w", l.path, cause)
	if terr := l.f.Truncate(l.size); terr != nil {
		return fmt.Errorf("%w (removing the partial record also failed: %v; run `mend audit verify %s`)", err, terr, l.path)
	}
	_ = l.sync() // best effort: if the line comes back after a crash, the head lags by one, which Open accepts
	return err
}

// Close closes the file. Appending after Close is an error.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
