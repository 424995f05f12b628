package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// runLocks marks which runs of an audit log are alive: each run holds an
// exclusive flock on <log>.runs/<run id>.lock until it exits (the kernel
// drops the lock when the process dies, however it dies). A later run that
// finds an intent without an outcome closes it only when that run's lock
// is free: an apply still working in another terminal is not a crash.
type runLocks struct {
	dir string
}

func newRunLocks(logPath string) runLocks { return runLocks{dir: logPath + ".runs"} }

// hold takes the lock of run id for the life of this process; release
// drops it and removes the file.
func (l runLocks) hold(id string) (release func(), err error) {
	if err := os.MkdirAll(l.dir, 0o700); err != nil {
		return nil, err
	}
	// Someone else's directory here could fake which runs are alive.
	st, err := os.Lstat(l.dir)
	if err != nil {
		return nil, err
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !st.IsDir() || st.Mode().Perm()&0o022 != 0 || (ok && int(sys.Uid) != os.Geteuid()) {
		return nil, fmt.Errorf("%s must be a directory of this user's, writable by no one else", l.dir)
	}
	path := filepath.Join(l.dir, id+".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		os.Remove(path)
		f.Close()
	}, nil
}

// alive reports whether run id still holds its lock (is running now).
func (l runLocks) alive(id string) bool {
	f, err := os.OpenFile(filepath.Join(l.dir, id+".lock"), os.O_RDWR|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return false // no lock file: the run has ended (or predates locks)
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return true
	}
	if err == nil {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		os.Remove(f.Name()) // a dead run's leftover
	}
	return false
}

// newRunID is a random run id, as the engine would make.
func newRunID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
