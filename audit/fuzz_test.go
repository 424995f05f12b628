package audit

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzReadLog gives the log readers an arbitrary log file and head file:
// Verify, ReadAll, ReadUnfinished and BeginRun must not panic or hang,
// and a run that BeginRun lets start never rewrites what the log held
// (its bytes stay a prefix of the file), and leaves a log that verified
// still verifying. Its seeds (a real log, a forged append, a torn line,
// the hostile inputs of issue 7.5) and testdata/fuzz/FuzzReadLog run as
// tests; `make fuzz` runs it for a set time.
//
// Each new interesting input is minimized before fuzzing goes on, and Go's
// minimizer tries O(n^2) candidates for an n-byte input (it removes every
// subset of bytes), each an exec of this target: a few milliseconds of
// file writes, a lock and fsyncs. A log-sized input (1-64 KiB) therefore
// always took the full default -fuzzminimizetime of 60 s, during which no
// exec is counted: 38 execs in 4 minutes. Unless the command line says
// otherwise, this target bounds minimization (boundMinimize).
func FuzzReadLog(f *testing.F) {
	boundMinimize(fuzzReadLogMinimize)
	dir := f.TempDir()
	l, err := Open(filepath.Join(dir, "audit.jsonl"))
	if err != nil {
		f.Fatal(err)
	}
	l.SetClock(fakeClock())
	for _, r := range sixRecords() {
		if _, err := l.Append(r); err != nil {
			f.Fatal(err)
		}
	}
	l.Close()
	good, _ := os.ReadFile(l.Path())
	head, _ := os.ReadFile(headPath(l.Path()))
	f.Add(good, head)
	f.Add(good, []byte(nil))
	f.Add(good[:len(good)-7], head)                       // torn last line
	f.Add(append(bytes.Clone(good), good[:200]...), head) // a copy of the first line appended
	lines := bytes.SplitAfter(good, []byte("\n"))
	f.Add(bytes.Join(lines[:3], nil), head) // head past the end
	f.Add([]byte(strings.Repeat("@", 20<<10)+"\n"), []byte(`{"seq":1,"sha256":"00"}`))
	f.Add(make([]byte, 64<<10), make([]byte, 600))
	f.Add([]byte(strings.Repeat("[", 100000)+"\n"), []byte(strings.Repeat("{", 400)))
	f.Add([]byte(`{"seq":1,"prev":"","time":"2026-01-01T00:00:00Z","run_id":"\u001b[8m","event":"step_start"}`+"\n"), []byte(nil))

	f.Fuzz(func(t *testing.T, log, head []byte) {
		path := filepath.Join(t.TempDir(), "audit.jsonl")
		if err := os.WriteFile(path, log, 0o600); err != nil {
			t.Fatal(err)
		}
		if head != nil {
			if err := os.WriteFile(headPath(path), head, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		_, verr := Verify(path)
		_, _ = ReadAll(path)
		_, _ = ReadUnfinished(path)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		run, err := BeginRun(ctx, path, RunOptions{RunID: "fuzz", Operator: "fuzz", LockWait: time.Second})
		if err != nil {
			return
		}
		_, aerr := run.Append(Record{Event: EventNote, Reason: "fuzz"})
		if err := run.End(); err != nil && aerr == nil {
			aerr = err
		}
		after, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(after, log) {
			t.Errorf("a run rewrote the log: it held %q, now %q", fuzzHead(log), fuzzHead(after))
		}
		if verr == nil && aerr == nil {
			if _, err := Verify(path); err != nil {
				t.Errorf("a log that verified no longer does after a run appended to it: %v", err)
			}
		}
	})
}

// fuzzReadLogMinimize is FuzzReadLog's minimization budget per input:
// enough to cut an input's tail (the minimizer's first, cheapest phase).
const fuzzReadLogMinimize = "2s"

// boundMinimize sets -test.fuzzminimizetime to d unless it was given on
// the command line. Only the coordinating process reads it, when f.Fuzz
// starts fuzzing; without -fuzz it has no effect.
func boundMinimize(d string) {
	set := false
	flag.Visit(func(fl *flag.Flag) { set = set || fl.Name == "test.fuzzminimizetime" })
	if !set {
		_ = flag.Set("test.fuzzminimizetime", d)
	}
}

func fuzzHead(b []byte) []byte {
	if len(b) > 300 {
		return b[:300]
	}
	return b
}
