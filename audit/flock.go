package audit

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// DefaultLockWait is how long mend waits for another process to release
// the audit log's lock before it gives up (and runs nothing). Appends hold
// it for a few milliseconds; `mend audit verify` of a large log holds a
// shared lock while it reads.
const DefaultLockWait = 30 * time.Second

// flockWait takes a flock (how: syscall.LOCK_EX or LOCK_SH) on f, the log
// at path, waiting at most wait and no longer than ctx lives. It polls with
// LOCK_NB rather than blocking in the kernel, so a signal that cancels ctx
// (SIGINT, SIGTERM) ends the wait at once. When it gives up, the error
// names who holds the lock: the process id from /proc/locks and, for a
// mend run, its run id and since when (from the run's lock file).
func flockWait(ctx context.Context, f *os.File, path string, how int, wait time.Duration) error {
	fd := int(f.Fd())
	deadline := time.Now().Add(wait)
	pause := time.Millisecond
	for {
		err := syscall.Flock(fd, how|syscall.LOCK_NB)
		if err == nil {
			return nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			return fmt.Errorf("audit log %s: lock: %w", path, err)
		}
		left := time.Until(deadline)
		if left <= 0 {
			return fmt.Errorf("audit log %s is locked by %s; gave up after waiting %s", path, lockHolder(f, path), wait)
		}
		t := time.NewTimer(min(pause, left))
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("audit log %s is locked by %s; stopped waiting: %w", path, lockHolder(f, path), context.Cause(ctx))
		case <-t.C:
		}
		pause = min(pause*2, 100*time.Millisecond)
	}
}

// lockHolder describes the process holding a flock on f, as far as it
// can be known: "pid 123 (mend run 0a1b..., since 10:04:05 UTC)" or
// "pid 123 (/usr/bin/flock)"; "another process" when /proc/locks does not
// say.
func lockHolder(f *os.File, logPath string) string {
	pid := flockPID(f)
	if pid == 0 {
		return "another process"
	}
	if h, ok := findHolder(logPath, pid); ok {
		return fmt.Sprintf("pid %d (mend run %s, since %s)", pid, h.RunID, h.Since.UTC().Format(time.RFC3339))
	}
	return fmt.Sprintf("pid %d (%s, not a mend run of this log)", pid, strconv.Quote(procName(pid)))
}

// flockPID returns the pid /proc/locks gives for a FLOCK held on f's
// inode (not one waiting for it), or 0.
func flockPID(f *os.File) int {
	var st syscall.Stat_t
	if syscall.Fstat(int(f.Fd()), &st) != nil {
		return 0
	}
	locks, err := os.Open("/proc/locks")
	if err != nil {
		return 0
	}
	defer locks.Close()
	major := (st.Dev>>8)&0xfff | (st.Dev>>32)&^0xfff
	minor := st.Dev&0xff | (st.Dev>>12)&0xffffff00
	want := fmt.Sprintf("%02x:%02x:%d", major, minor, st.Ino)
	sc := bufio.NewScanner(io.LimitReader(locks, 1<<20))
	for sc.Scan() {
		// "1: FLOCK  ADVISORY  WRITE 4242 fd:01:131090 0 EOF"; waiters have "->" after the id.
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[1] != "FLOCK" || fields[5] != want {
			continue
		}
		if pid, err := strconv.Atoi(fields[4]); err == nil && pid != os.Getpid() {
			return pid
		}
	}
	return 0
}

// procName is the first word of a process's command line (bounded, for a
// message), or "unknown program".
func procName(pid int) string {
	f, err := os.Open(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return "unknown program"
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, 256))
	name, _, _ := strings.Cut(string(b), "\x00")
	if name == "" {
		return "unknown program"
	}
	return name
}
