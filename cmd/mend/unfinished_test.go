package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mend-sh/mend/audit"
)

// TestUnfinishedIntentReported: a run that died after writing a repair's
// intent left no outcome. The next run says so ("outcome unknown"),
// records that it noticed, and says it only once.
func TestUnfinishedIntentReported(t *testing.T) {
	logPath, run := intentLog(t, "dead", "repair.file.install")
	first := run()
	if !strings.Contains(first, "run dead started repair.file.install on box") || !strings.Contains(first, "outcome unknown") {
		t.Errorf("first run does not report the unfinished intent:\n%s", first)
	}
	if second := run(); strings.Contains(second, "outcome unknown") {
		t.Errorf("second run reports it again:\n%s", second)
	}
	recs, err := audit.ReadAll(logPath)
	if err != nil {
		t.Fatal(err)
	}
	var closed bool
	for _, r := range recs {
		closed = closed || (r.RunID == "dead" && r.Event == audit.EventStepFinish && r.Outcome == audit.OutcomeUnknown)
	}
	if !closed {
		t.Error("no outcome-unknown record closes the dead run's intent")
	}
	if _, err := audit.Verify(logPath); err != nil {
		t.Errorf("verify: %v", err)
	}
}

// TestLiveRunIsNotClosed: an intent whose run still holds its run lock (an
// apply going on in another terminal) is not reported or closed; once the
// run is over with the intent still open, it is.
func TestLiveRunIsNotClosed(t *testing.T) {
	logPath, plan := intentLog(t, "old", "repair.command.done")
	plan() // reports and closes "old"'s intent
	live, err := audit.BeginRun(context.Background(), logPath, audit.RunOptions{RunID: "live"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []audit.Record{
		{Event: audit.EventRunStart, RunID: "live", Mode: audit.ModeApply},
		{Event: audit.EventStepStart, RunID: "live", Mode: audit.ModeApply, Step: "repair.command.slow", Host: "box"},
	} {
		if _, err := live.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	if out := plan(); strings.Contains(out, "outcome unknown") {
		t.Errorf("a live run's intent was reported:\n%s", out)
	}
	live.End() // ends with the intent open: its lock file stays, unlocked, as a dead run's
	if out := plan(); !strings.Contains(out, "run live started repair.command.slow") {
		t.Errorf("a dead run's intent was not reported:\n%s", out)
	}
}

// intentLog writes a log whose run id left an intent for step on host "box"
// without an outcome, and a local inventory and runbook beside it. It
// returns a function running `mend plan` on them (stderr is returned).
func intentLog(t *testing.T, id, step string) (logPath string, plan func() string) {
	t.Helper()
	dir := t.TempDir()
	logPath = filepath.Join(dir, "audit.jsonl")
	log, err := audit.Open(logPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []audit.Record{
		{Event: audit.EventRunStart, RunID: id, Mode: audit.ModeApply},
		{Event: audit.EventStepStart, RunID: id, Mode: audit.ModeApply, Step: step, Host: "box"},
	} {
		if _, err := log.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	log.Close()
	inv := filepath.Join(dir, "inventory.mend.hcl")
	rb := filepath.Join(dir, "rb.mend.hcl")
	os.WriteFile(inv, []byte("host \"box\" {\n  address = \"local\"\n}\n"), 0o644)
	os.WriteFile(rb, []byte("diagnose \"command\" \"x\" {\n  on      = [\"box\"]\n  command = \"true\"\n}\n"), 0o644)
	return logPath, func() string {
		var stdout, stderr bytes.Buffer
		if code := Main([]string{"plan", "-i", inv, "--audit-log", logPath, rb}, strings.NewReader(""), &stdout, &stderr); code != 0 {
			t.Fatalf("plan exit %d\n%s%s", code, stdout.String(), stderr.String())
		}
		return stderr.String()
	}
}
