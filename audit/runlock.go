package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// runLocks marks which runs of an audit log are alive: each run holds an
// exclusive flock on <log>.runs/<run id>.lock until it ends (the kernel
// drops the lock when the process dies, however it dies). The file holds
// who took it (holder), so a run waiting for the log can say who is in
// the way, and where in the log the run began, so finding a dead run's
// unfinished intents reads only the log from there on. A run that ends
// with every intent closed removes its file; a run that dies (or ends
// with an intent it could not close) leaves it, unlocked, and the next
// run knows from it which runs to look at.
type runLocks struct {
	dir string
}

func newRunLocks(logPath string) runLocks { return runLocks{dir: logPath + ".runs"} }

// holder is the content of a run's lock file.
type holder struct {
	PID    int       `json:"pid"`
	RunID  string    `json:"run_id"`
	Since  time.Time `json:"since"`
	Offset int64     `json:"offset"` // the log's length when the run began: its records all come after
}

// maxHolderBytes bounds what is read of a lock file.
const maxHolderBytes = 4096

// runLock is a run lock this process holds.
type runLock struct {
	f    *os.File
	path string
}

// ensureDir creates the lock directory and refuses one that someone else
// could write to: another user's directory here could fake which runs are
// alive. created says whether it did not exist before.
func (l runLocks) ensureDir() (created bool, err error) {
	if _, err := os.Lstat(l.dir); errors.Is(err, fs.ErrNotExist) {
		created = true
	}
	if err := os.MkdirAll(l.dir, 0o700); err != nil {
		return false, err
	}
	st, err := os.Lstat(l.dir)
	if err != nil {
		return false, err
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !st.IsDir() || st.Mode().Perm()&0o022 != 0 || (ok && int(sys.Uid) != os.Geteuid()) {
		return false, fmt.Errorf("%s must be a directory of this user's, writable by no one else", l.dir)
	}
	return created, nil
}

// hold takes the lock of run h.RunID for the life of this process and
// writes h into it.
func (l runLocks) hold(h holder) (*runLock, error) {
	if !validRunID(h.RunID) {
		return nil, fmt.Errorf("run id %q: use letters, digits, '-' and '_' only", h.RunID)
	}
	path := filepath.Join(l.dir, h.RunID+".lock")
	f, err := openRegular(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w (is run %s going on already?)", path, err, h.RunID)
	}
	b, _ := json.Marshal(h)
	if err := f.Truncate(0); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.WriteAt(append(b, '\n'), 0); err != nil {
		f.Close()
		return nil, err
	}
	return &runLock{f: f, path: path}, nil
}

// release drops the lock. keep leaves the file behind, unlocked, as a dead
// run's would be: the run ends with intents it could not close, and the
// next run must find them.
func (r *runLock) release(keep bool) {
	if !keep {
		os.Remove(r.path)
	}
	r.f.Close()
}

// deadRun is a lock file nobody holds: the run died, or ended with
// intents open.
type deadRun struct {
	id     string
	holder holder
	known  bool // holder was readable; else the whole log must be read
	lock   *runLock
}

// dead lists the runs whose lock file is not held, locking each file so
// that it stays dead while the caller closes its intents (the caller holds
// the log's flock, under which every run takes its lock). Runs still
// going are left out.
func (l runLocks) dead() ([]deadRun, error) {
	ents, err := os.ReadDir(l.dir)
	if err != nil {
		return nil, err
	}
	var out []deadRun
	for _, e := range ents {
		id, ok := strings.CutSuffix(e.Name(), ".lock")
		if !ok || !validRunID(id) {
			continue
		}
		path := filepath.Join(l.dir, e.Name())
		f, err := openRegular(path, os.O_RDWR, 0)
		if err != nil {
			continue // gone meanwhile, or not a regular file: not a run of ours
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			f.Close() // held: the run is alive
			continue
		}
		h, known := readHolder(f)
		known = known && h.RunID == id
		out = append(out, deadRun{id: id, holder: h, known: known, lock: &runLock{f: f, path: path}})
	}
	return out, nil
}

// readHolder reads a lock file's holder.
func readHolder(f *os.File) (holder, bool) {
	b, err := io.ReadAll(io.LimitReader(io.NewSectionReader(f, 0, maxHolderBytes), maxHolderBytes))
	if err != nil {
		return holder{}, false
	}
	var h holder
	if json.Unmarshal(b, &h) != nil || h.RunID == "" || h.Offset < 0 {
		return holder{}, false
	}
	return h, true
}

// findHolder returns the holder info of the live run of the log at
// logPath whose process is pid.
func findHolder(logPath string, pid int) (holder, bool) {
	dir := newRunLocks(logPath).dir
	ents, err := os.ReadDir(dir)
	if err != nil {
		return holder{}, false
	}
	for i, e := range ents {
		if i == 1000 {
			break // bounded: a message is not worth reading a huge directory
		}
		f, err := openRegular(filepath.Join(dir, e.Name()), os.O_RDONLY, 0)
		if err != nil {
			continue
		}
		h, ok := readHolder(f)
		f.Close()
		if ok && h.PID == pid {
			return h, true
		}
	}
	return holder{}, false
}

// validRunID reports whether id is safe as a file name.
func validRunID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
