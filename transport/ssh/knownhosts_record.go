package ssh

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mend-sh/mend/steps"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// testHookBeforeAppend runs between the re-check and the append; tests
// widen that window with it to show that the lock covers it.
var testHookBeforeAppend = func() {}

// lockWait bounds how long recordHostKey waits for another process to
// release the known_hosts lock.
const lockWait = 10 * time.Second

// recordHostKey records key for addr in file (accept-new), safely against
// other dials of this process and of other mend processes. Under an
// exclusive flock on file + ".lock" it reloads file and checks again: if
// meanwhile this key was recorded it returns nil, if another key was (a
// concurrent dial reached a different machine under the same name) it
// refuses with the changed-key error, else it appends the line.
//
// The line is appended with one O_APPEND write and fsynced, rather than
// written to a temporary file renamed over known_hosts: OpenSSH's own
// clients append to the same file without taking our lock, and a rename
// would drop a line they appended between our read and the rename; it
// would also replace a symlinked known_hosts (dotfiles) with a copy and
// lose the file's owner. A single short O_APPEND write is not interleaved
// with other appenders, and a torn last line (crash) makes the next load
// fail naming file:line rather than pass silently.
func recordHostKey(file, addr string, remote net.Addr, key ssh.PublicKey) error {
	if err := checkRecordableAddr(addr); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return steps.Errorf(steps.ClassHostKey, "record host key: %w", err)
	}
	unlock, err := lockFile(file + ".lock")
	if err != nil {
		return err
	}
	defer unlock()
	db, err := loadKnownHosts(file)
	if err != nil {
		return err
	}
	if err := verifyHostKey(db, addr, remote, key); !errors.Is(err, errUnknownHost) {
		return err // recorded meanwhile: this key (nil) or another (refused)
	}
	testHookBeforeAppend()
	return appendLine(file, knownhosts.Line([]string{addr}, key)+"\n")
}

// checkRecordableAddr accepts host:port addresses whose host holds only
// letters, digits and . _ - : % (IPv6 in brackets, with a zone), the only
// ones written to known_hosts: anything else could be read back as a
// pattern, a hashed entry, a marker, or a second line.
func checkRecordableAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	n, perr := strconv.Atoi(port)
	ok := err == nil && perr == nil && n > 0 && n < 65536 && host != ""
	for _, c := range host {
		ok = ok && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._-:%", c))
	}
	if !ok {
		return steps.Errorf(steps.ClassHostKey,
			"refusing to record a host key for %q in known_hosts: want host:port, the host made of letters, digits and . _ - : %% only", addr)
	}
	return nil
}

// lockFile takes an exclusive flock on path (created 0600 if missing),
// waiting at most lockWait. flock locks belong to the open file, so two
// goroutines of one process exclude each other as two processes do.
// unlock releases it.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, steps.Errorf(steps.ClassHostKey, "lock known_hosts: %w", err)
	}
	deadline := time.Now().Add(lockWait)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) || time.Now().After(deadline) {
			f.Close()
			return nil, steps.Errorf(steps.ClassHostKey, "lock %s (held by another mend process for %s?): %w", path, lockWait, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// appendLine appends line to file with one write (after a newline when the
// file does not end with one), fsyncs it, and fsyncs the directory when
// the file was new.
func appendLine(file, line string) error {
	data, err := os.ReadFile(file)
	created := errors.Is(err, os.ErrNotExist)
	if len(data) > 0 && data[len(data)-1] != '\n' {
		line = "\n" + line
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return steps.Errorf(steps.ClassHostKey, "record host key: %w", err)
	}
	_, err = f.WriteString(line)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && created {
		err = syncDir(filepath.Dir(file))
	}
	if err != nil {
		return steps.Errorf(steps.ClassHostKey, "record host key in %s: %w", file, err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("fsync %s: %w", dir, err)
	}
	return nil
}
