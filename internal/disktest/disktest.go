// Package disktest is the full-disk fixture that the tests of disk,
// file_truncate and the disk-full example share: a small tmpfs, a fill
// to ENOSPC, and a writer process that holds logs open (and deleted
// files, the "df says full, du disagrees" case) as a service does. It is
// imported by tests only.
//
// The writer is a copy of the test binary under the name the test wants
// (so `pgrep -x NAME` and /proc/PID/comm show it): a package using
// Writer calls Main from its TestMain, which runs the writer when the
// binary is started as one.
package disktest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TmpFS mounts a tmpfs of size bytes on a fresh directory and unmounts it
// in t.Cleanup. It needs root: it skips without, unless $CI is set (then
// it fails).
func TmpFS(t testing.TB, size int64) string {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("mounting a test filesystem needs root, and CI runs as root")
		}
		t.Skip("mounting a test filesystem needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d,mode=0755", size), "mend-test", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount tmpfs: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v\n%s", dir, err, out)
		}
	})
	return dir
}

// Fill appends to path (created if needed) until its filesystem is full.
func Fill(t testing.TB, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 32<<10)
	for range 100000 {
		if _, err := f.Write(buf); errors.Is(err, syscall.ENOSPC) {
			return
		} else if err != nil {
			t.Fatal(err)
		}
	}
	t.Fatal("the filesystem never filled")
}

// FreeBytes is what df calls Avail for the filesystem holding dir.
func FreeBytes(t testing.TB, dir string) int64 {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	return int64(st.Bavail) * st.Bsize
}

// Files are what a Writer holds.
type Files struct {
	// Append are files held open for appending (they must exist).
	Append []string
	// Deleted are files opened, then deleted: their space stays used.
	Deleted []string
	// Line, when not empty, is appended (with the time in front) to each
	// Append file every 200 ms, as a live service logs; writes that fail
	// (a full disk) are ignored, as a service's would be.
	Line string
}

const helperEnv = "MEND_DISKTEST_WRITER"

// held keeps the writer's files reachable, so no finalizer closes them.
var held []*os.File

// Writer starts a process named name holding f's files and returns its
// pid once it holds them all (and the Deleted ones are gone). It is
// killed in t.Cleanup. The test package's TestMain must call Main.
func Writer(t testing.TB, name string, f Files) int {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), helperEnv+"=1", "MEND_DISKTEST_APPEND="+strings.Join(f.Append, "\x1f"),
		"MEND_DISKTEST_DELETED="+strings.Join(f.Deleted, "\x1f"), "MEND_DISKTEST_LINE="+f.Line)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for range 500 {
		if holdsAll(cmd.Process.Pid, f) {
			return cmd.Process.Pid
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the writer %s did not come to hold %v", name, f)
	return 0
}

// holdsAll: pid has every Append file open and every Deleted file open
// and gone from its directory.
func holdsAll(pid int, f Files) bool {
	for _, p := range f.Append {
		if !Holds(pid, p) {
			return false
		}
	}
	for _, p := range f.Deleted {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) || !Holds(pid, p+" (deleted)") {
			return false
		}
	}
	return true
}

// Holds reports whether process pid has path open (as /proc shows it:
// a deleted file's name ends in " (deleted)").
func Holds(pid int, path string) bool { return FD(pid, path) >= 0 }

// FD is the descriptor number under which process pid holds path (as
// Holds names it), or -1.
func FD(pid int, path string) int {
	fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	for _, fd := range fds {
		if l, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name())); l == path {
			n, _ := strconv.Atoi(fd.Name())
			return n
		}
	}
	return -1
}

// Main runs the writer when the test binary was started as one by
// Writer, and the tests otherwise. Call it from TestMain:
//
//	func TestMain(m *testing.M) { disktest.Main(m) }
func Main(m *testing.M) {
	if os.Getenv(helperEnv) == "" {
		os.Exit(m.Run())
	}
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, "\x1f")
	}
	var logs []*os.File
	for _, p := range split(os.Getenv("MEND_DISKTEST_APPEND")) {
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			os.Exit(1)
		}
		logs = append(logs, f)
	}
	for _, p := range split(os.Getenv("MEND_DISKTEST_DELETED")) {
		f, err := os.Open(p)
		if err != nil || os.Remove(p) != nil {
			os.Exit(1)
		}
		held = append(held, f)
	}
	held = append(held, logs...)
	line := os.Getenv("MEND_DISKTEST_LINE")
	for {
		for _, f := range logs {
			if line != "" {
				fmt.Fprintf(f, "%s %s\n", time.Now().UTC().Format(time.RFC3339), line)
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
}
