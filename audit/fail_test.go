package audit

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFullDisk puts the log on a real, full tmpfs, where every write
// fails with ENOSPC: Append must fail and the chain must not advance (so
// no head file is ever written beside it).
func TestFullDisk(t *testing.T) {
	dir := fullTmpfs(t)
	l, err := Open(filepath.Join(dir, "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for range 2 {
		_, err := l.Append(sixRecords()[0])
		if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "record not stored") {
			t.Fatalf("Append on a full disk = %v, want ENOSPC and 'record not stored'", err)
		}
		if seq, sha := l.Last(); seq != 0 || sha != "" {
			t.Fatalf("chain advanced to %d %s after a failed write", seq, sha)
		}
	}
	if _, err := os.Stat(headPath(l.Path())); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("head file written for a record that was not: %v", err)
	}
}

// fullTmpfs mounts a 64 KiB tmpfs, fills it, and returns its path.
func fullTmpfs(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("CI runs as root; this test mounts a tmpfs")
		}
		t.Skip("mounting a tmpfs needs root")
	}
	mnt := filepath.Join(t.TempDir(), "full")
	if err := os.Mkdir(mnt, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=64k,mode=0700"); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(mnt, syscall.MNT_DETACH) })
	// Fill it: dd stops with ENOSPC, which is the point. The log's name
	// and an empty file still fit (inodes are not counted against size).
	_ = exec.Command("dd", "if=/dev/zero", "of="+filepath.Join(mnt, "fill"), "bs=4k").Run()
	return mnt
}

// TestRefusesSpecialFiles: a FIFO, a device or a directory at the log's
// path is refused at once, before anything is read from it or written to
// it, and Verify and ReadAll refuse them too (a FIFO would otherwise block
// them forever).
func TestRefusesSpecialFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "audit.jsonl")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{fifo, "is a FIFO (named pipe), not a regular file"},
		{"/dev/full", "is a character device, not a regular file"},
		{t.TempDir(), "is a directory"},
	} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			if _, err := Open(tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Open(%s) = %v, want %q", tc.path, err, tc.want)
			}
			if _, err := Verify(tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Verify(%s) = %v, want %q", tc.path, err, tc.want)
			}
			if _, err := ReadAll(tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadAll(%s) = %v, want %q", tc.path, err, tc.want)
			}
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: still blocked after 5 s", tc.path)
		}
	}
}

// TestFailedAppendRollsBack injects a half-done write, a failed fsync and
// a failed head write into a real log: each Append fails, leaves the file
// as it was, and the next good Append continues the chain.
func TestFailedAppendRollsBack(t *testing.T) {
	for _, tc := range []struct {
		name   string
		inject func(l *Log) (undo func())
	}{
		{"half a line then ENOSPC", func(l *Log) func() {
			l.write = func(b []byte) (int, error) {
				n, _ := l.f.Write(b[:len(b)/2])
				return n, syscall.ENOSPC
			}
			return func() { l.write = l.f.Write }
		}},
		{"fsync fails", func(l *Log) func() {
			l.sync = func() error { return syscall.EIO }
			return func() { l.sync = l.f.Sync }
		}},
		{"head cannot be written", func(l *Log) func() {
			h, saved := headPath(l.path), headPath(l.path)+".saved"
			if err := os.Rename(h, saved); err != nil {
				panic(err)
			}
			if err := os.Mkdir(h, 0o700); err != nil { // rename of the new head over a directory fails
				panic(err)
			}
			return func() {
				if err := os.Remove(h); err != nil {
					panic(err)
				}
				if err := os.Rename(saved, h); err != nil {
					panic(err)
				}
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := openTest(t)
			appendAll(t, l, sixRecords()[:2])
			before, _ := os.ReadFile(l.Path())
			headBefore, _ := os.ReadFile(headPath(l.Path()))
			undo := tc.inject(l)
			if _, err := l.Append(sixRecords()[2]); err == nil || !strings.Contains(err.Error(), "record not stored") {
				t.Fatalf("Append = %v, want an error saying the record was not stored", err)
			}
			undo()
			after, _ := os.ReadFile(l.Path())
			headAfter, _ := os.ReadFile(headPath(l.Path()))
			if !bytes.Equal(before, after) || !bytes.Equal(headBefore, headAfter) {
				t.Fatalf("failed Append changed the files:\nlog  %q\nwas  %q\nhead %q\nwas  %q", after, before, headAfter, headBefore)
			}
			if seq, _ := l.Last(); seq != 2 {
				t.Fatalf("chain at %d after a failed append, want 2", seq)
			}
			if tmps, _ := filepath.Glob(headPath(l.Path()) + ".*.tmp"); len(tmps) != 0 {
				t.Errorf("failed Append left temporary files: %v", tmps)
			}
			got := appendAll(t, l, sixRecords()[2:3])
			if got[0].Seq != 3 {
				t.Errorf("next record has seq %d, want 3", got[0].Seq)
			}
			if rep, err := Verify(l.Path()); err != nil || rep.Records != 3 || len(rep.Warnings) != 0 {
				t.Errorf("Verify = %+v, %v", rep, err)
			}
		})
	}
}

func TestOpenRefuses(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(filepath.Join(file, "mend", "audit.jsonl")); !errors.Is(err, syscall.ENOTDIR) {
		t.Errorf("Open under a regular file = %v, want ENOTDIR", err)
	}
	if _, err := Open(""); err == nil {
		t.Error("Open(\"\") succeeded")
	}
	for _, tc := range []struct {
		name   string
		damage func(path string, log []byte)
		want   string
		advice string
	}{
		{"torn last line", func(p string, b []byte) { write(p, b[:len(b)-7]) }, "the last line is torn", "mend audit repair"},
		{"last line deleted", func(p string, b []byte) { write(p, dropLine(b, 5)) }, "record 6 is missing", "mend audit verify"},
		{"head deleted", func(p string, b []byte) { os.Remove(headPath(p)) }, "head file is missing", "mend audit verify"},
		{"garbage last line", func(p string, b []byte) { write(p, append(b, "{}\n"...)) }, "not a valid record", "mend audit verify"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := openTest(t)
			appendAll(t, l, sixRecords())
			l.Close()
			b, _ := os.ReadFile(l.Path())
			tc.damage(l.Path(), b)
			_, err := Open(l.Path())
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.advice+" "+l.Path()) {
				t.Fatalf("Open = %v, want %q and advice to run %s", err, tc.want, tc.advice)
			}
		})
	}
}

func TestAppendRefusesReplacedFile(t *testing.T) {
	l := openTest(t)
	appendAll(t, l, sixRecords()[:1])
	if err := os.Rename(l.Path(), l.Path()+".old"); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(sixRecords()[1]); err == nil || !strings.Contains(err.Error(), "moved, deleted or replaced") {
		t.Errorf("Append after the file was moved = %v", err)
	}
}

// TestTwoProcesses runs two real processes (this test binary) appending to
// one log at once; the chain must come out whole.
func TestTwoProcesses(t *testing.T) {
	if path := os.Getenv("MEND_AUDIT_HELPER_LOG"); path != "" {
		l, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		for range 40 {
			if _, err := l.Append(Record{RunID: os.Getenv("MEND_AUDIT_HELPER_RUN"), Event: EventNote}); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	var cmds []*exec.Cmd
	for _, run := range []string{"p1", "p2"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestTwoProcesses$", "-test.count=1")
		cmd.Env = append(os.Environ(), "MEND_AUDIT_HELPER_LOG="+path, "MEND_AUDIT_HELPER_RUN="+run)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	if rep, err := Verify(path); err != nil || rep.Records != 80 || rep.Runs != 2 {
		t.Fatalf("Verify = %+v, %v", rep, err)
	}
}

func write(path string, b []byte) {
	if err := os.WriteFile(path, b, 0o600); err != nil {
		panic(err)
	}
}

// dropLine removes line i (0-based) from a log's bytes.
func dropLine(b []byte, i int) []byte {
	lines := bytes.SplitAfter(b, []byte("\n"))
	return bytes.Join(append(lines[:i:i], lines[i+1:]...), nil)
}
