package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// forge appends to the log at path one record correctly linked to the
// last line (seq and prev right), without touching the head file: what a
// person or program that knows the chain but not the head would write.
func forge(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n"))
	last := lines[len(lines)-1]
	var rec Record
	if err := json.Unmarshal(last, &rec); err != nil {
		t.Fatal(err)
	}
	forged := Record{Seq: rec.Seq + 1, Prev: lineSHA256(last), Time: rec.Time, RunID: "forger", Event: EventNote, Reason: "all is well"}
	line, _ := json.Marshal(forged)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(append(line, '\n')); err != nil {
		t.Fatal(err)
	}
}

// TestForgedAppendIsRefused: a linked record appended behind mend's back
// fails Verify, naming it, and no Open or BeginRun appends over it or
// moves the head.
func TestForgedAppendIsRefused(t *testing.T) {
	for _, records := range []int{1, 6} { // one record: the first pending mark; six: a later one
		l := openTest(t)
		appendAll(t, l, sixRecords()[:records])
		l.Close()
		forge(t, l.Path())
		headBefore, _ := os.ReadFile(headPath(l.Path()))
		logBefore, _ := os.ReadFile(l.Path())

		_, err := Verify(l.Path())
		var ve *VerifyError
		if !errors.As(err, &ve) || ve.Seq != uint64(records+1) || !strings.Contains(ve.Reason, "the log runs past its head") ||
			!strings.Contains(ve.Reason, `note of run "forger"`) {
			t.Errorf("Verify of a log with a forged record %d = %v; want a VerifyError at it, naming it", records+1, err)
		}
		if _, err := Open(l.Path()); err == nil || !strings.Contains(err.Error(), "runs past its head") {
			t.Errorf("Open = %v, want a refusal", err)
		}
		if _, err := BeginRun(context.Background(), l.Path(), RunOptions{}); err == nil || !strings.Contains(err.Error(), "runs past its head") {
			t.Errorf("BeginRun = %v, want a refusal", err)
		}
		headAfter, _ := os.ReadFile(headPath(l.Path()))
		logAfter, _ := os.ReadFile(l.Path())
		if !bytes.Equal(headBefore, headAfter) || !bytes.Equal(logBefore, logAfter) {
			t.Errorf("a refused open changed the log or its head")
		}
	}
}

// TestCrashBetweenRecordsAndHead kills a real process (this test binary)
// between the fsync of its records and the update of the head: the log
// then runs past its head by exactly what the pending file announced.
// Verify warns and passes; the next BeginRun completes the head and says
// so; then Verify has nothing to say.
func TestCrashBetweenRecordsAndHead(t *testing.T) {
	if path := os.Getenv("MEND_AUDIT_CRASH_LOG"); path != "" {
		l, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		appendAll(t, l, sixRecords()[:5])
		l.afterSync = func() { _ = syscall.Kill(os.Getpid(), syscall.SIGKILL) }
		l.Append(sixRecords()[5])
		t.Fatal("still alive after SIGKILL")
	}
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashBetweenRecordsAndHead$", "-test.count=1")
	cmd.Env = append(os.Environ(), "MEND_AUDIT_CRASH_LOG="+path)
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("helper = %v, want killed by SIGKILL", err)
	}
	if h, _, _ := readHead(path); h.Seq != 5 {
		t.Fatalf("head at %d after the crash, want 5 (the crash comes before the head update)", h.Seq)
	}
	rep, err := Verify(path)
	if err != nil || rep.Records != 6 || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "record 6 reached the log but not the head file") {
		t.Fatalf("Verify = %+v, %v; want ok with one warning about record 6", rep, err)
	}
	run, err := BeginRun(context.Background(), path, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Notices) != 1 || !strings.Contains(run.Notices[0], "the head file now names record 6") {
		t.Errorf("BeginRun notices = %q, want one saying the head was completed", run.Notices)
	}
	run.End()
	if rep, err := Verify(path); err != nil || len(rep.Warnings) != 0 {
		t.Errorf("after BeginRun: Verify = %+v, %v; want the head completed", rep, err)
	}
}
