package audit

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startRun starts this test binary as a real mend-like run on the log at
// path: it calls BeginRun with run id id, appends a run_start and an
// intent for step on host "box", prints "ready" and then waits until it
// is killed. The caller kills it (SIGKILL: a crash) or leaves it alive.
func startRun(t *testing.T, path, id, step string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRunHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), "MEND_RUN_HELPER="+path+"|"+id+"|"+step)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, _ := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "ready" {
		t.Fatalf("helper run said %q", line)
	}
	return cmd
}

// TestRunHelper is the body of startRun's process.
func TestRunHelper(t *testing.T) {
	env := os.Getenv("MEND_RUN_HELPER")
	if env == "" {
		t.Skip("helper process for startRun")
	}
	parts := strings.SplitN(env, "|", 3)
	run, err := BeginRun(context.Background(), parts[0], RunOptions{RunID: parts[1]})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []Record{
		{Event: EventRunStart, RunID: parts[1], Mode: ModeApply},
		{Event: EventStepStart, RunID: parts[1], Mode: ModeApply, Step: parts[2], Host: "box"},
	} {
		if _, err := run.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	os.Stdout.WriteString("ready\n")
	time.Sleep(time.Minute)
}

func kill(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
}

// begin runs BeginRun and End and returns what it recovered.
func begin(t *testing.T, path string) []Record {
	t.Helper()
	run, err := BeginRun(context.Background(), path, RunOptions{Operator: "carol"})
	if err != nil {
		t.Fatal(err)
	}
	defer run.End()
	return run.Recovered
}

// TestBeginRunRecoversCrashedRuns: a run killed mid-step (a real process,
// SIGKILL) left an intent without an outcome. The next BeginRun reports it
// and closes it once; a run still alive is left alone until it dies.
func TestBeginRunRecoversCrashedRuns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	crashed := startRun(t, path, "crashed", "repair.file.install")
	live := startRun(t, path, "live", "repair.command.slow")
	kill(t, crashed)

	got := begin(t, path)
	if len(got) != 1 || got[0].RunID != "crashed" || got[0].Step != "repair.file.install" {
		t.Fatalf("recovered %+v, want the crashed run's intent only", got)
	}
	if again := begin(t, path); len(again) != 0 {
		t.Errorf("reported again: %+v", again)
	}
	kill(t, live)
	if got := begin(t, path); len(got) != 1 || got[0].RunID != "live" {
		t.Errorf("after the live run died: recovered %+v, want its intent", got)
	}
	recs, err := ReadAll(path)
	if err != nil {
		t.Fatal(err)
	}
	closes := 0
	for _, r := range recs {
		if r.Event == EventStepFinish && r.Outcome == OutcomeUnknown && r.Operator == "carol" && strings.Contains(r.Reason, "reported by run") {
			closes++
		}
	}
	if closes != 2 {
		t.Errorf("%d outcome-unknown records close the dead runs' intents, want 2", closes)
	}
	if left := readUnfinished(t, path); len(left) != 0 {
		t.Errorf("intents still open: %+v", left)
	}
	if _, err := Verify(path); err != nil {
		t.Error(err)
	}
}

func readUnfinished(t *testing.T, path string) []Record {
	t.Helper()
	recs, err := ReadUnfinished(path)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestBeginRunReadsOnlyFromDeadRuns: finding a dead run's intents reads
// the log from where that run began, not from the start. A line before
// it is made unreadable (as Verify would see it); BeginRun does not notice,
// so it did not read it.
func TestBeginRunReadsOnlyFromDeadRuns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	run, err := BeginRun(context.Background(), path, RunOptions{RunID: "first"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range sixRecords() {
		r.RunID = "first"
		if _, err := run.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	run.End()
	if _, err := os.Stat(filepath.Join(path+".runs", "first.lock")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a run that closed all its intents left its lock file: %v", err)
	}
	b, _ := os.ReadFile(path)
	write(path, []byte(strings.Replace(string(b), `"seq":2,`, `"seq":2,,`, 1))) // line 2 no longer parses
	crashed := startRun(t, path, "crashed", "repair.file.install")
	kill(t, crashed)
	if got := begin(t, path); len(got) != 1 || got[0].RunID != "crashed" {
		t.Errorf("recovered %+v, want the crashed run's intent", got)
	}
	if _, err := ReadUnfinished(path); err == nil || !strings.Contains(err.Error(), ":2: not an audit record") {
		t.Errorf("ReadUnfinished (the whole log) = %v, want it to trip over line 2", err)
	}
}

// TestBeginRunReadsAnOldLogOnce: a log written before run locks existed
// (no <log>.runs) is read whole once, and its unfinished intents reported.
func TestBeginRunReadsAnOldLogOnce(t *testing.T) {
	l := openTest(t)
	appendAll(t, l, sixRecords()[:4]) // the repair's intent (record 4) has no finish
	l.Close()
	got := begin(t, l.Path())
	if len(got) != 1 || got[0].Step != "repair.file.install_ca" {
		t.Fatalf("recovered %+v, want the open repair", got)
	}
	if again := begin(t, l.Path()); len(again) != 0 {
		t.Errorf("reported again: %+v", again)
	}
}

// TestRunEndKeepsOpenIntentsFindable: a run whose finish record could not
// be written ends with an intent open; its lock file stays so that the
// next run reports it.
func TestRunEndKeepsOpenIntentsFindable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	run, err := BeginRun(context.Background(), path, RunOptions{RunID: "r1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range sixRecords()[:4] {
		if _, err := run.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	run.End()
	if got := begin(t, path); len(got) != 1 || got[0].Step != "repair.file.install_ca" {
		t.Errorf("recovered %+v, want the open repair", got)
	}
}

// TestBeginRunWaitsForTheLogLock: another process (flock(1)) holding the
// log's lock is waited for at most LockWait, and the error names it by pid
// and program; a cancelled context ends the wait at once.
func TestBeginRunWaitsForTheLogLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	write(path, nil)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	hold := exec.Command("flock", "-x", path, "sleep", "5")
	if err := hold.Start(); err != nil {
		t.Skipf("no flock(1): %v", err)
	}
	t.Cleanup(func() { _ = hold.Process.Kill(); _ = hold.Wait() })
	deadline := time.Now().Add(3 * time.Second)
	for flockPID(f) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	_, err = BeginRun(context.Background(), path, RunOptions{LockWait: 200 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "is locked by pid") || !strings.Contains(err.Error(), `flock", not a mend run`) ||
		!strings.Contains(err.Error(), "gave up after waiting 200ms") {
		t.Errorf("BeginRun = %v, want it to give up naming the holder", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("gave up after %s, want about 200ms", d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start = time.Now()
	if _, err := BeginRun(ctx, path, RunOptions{}); err == nil || !strings.Contains(err.Error(), "stopped waiting") {
		t.Errorf("BeginRun with a cancelled context = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("a cancelled wait took %s", d)
	}
}

// TestLockHolderNamesMendRun: the holder of a log lock that is a mend run
// is named by its run id.
func TestLockHolderNamesMendRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	other := startRun(t, path, "other", "repair.command.slow")
	h, ok := findHolder(path, other.Process.Pid)
	if !ok || h.RunID != "other" || time.Since(h.Since) > time.Minute {
		t.Errorf("findHolder = %+v, %v", h, ok)
	}
}
