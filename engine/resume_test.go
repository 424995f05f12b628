package engine_test

import (
	"context"
	"os"
	"slices"
	"testing"

	"github.com/mend-sh/mend/audit"
)

// TestResumeSkipsDoneRepairsInStage: resuming a run that finished a
// stage's gated repair on host a (batch 1) skips it there without asking
// its gate or touching the file, audits the skip with the run that did
// it, and runs batch 2 (b) as usual; a repair decided skipped by the
// operator is skipped too, and diagnoses run again.
func TestResumeSkipsDoneRepairsInStage(t *testing.T) {
	req, dir := setup(t, `
stage "roll" {
  on     = "web"
  serial = 1

  diagnose "sh" "before" {
    command = "touch %DIR%/diag-${host.name}"
  }

  repair "write" "w" {
    path    = "%DIR%/w-${host.name}"
    content = "new"
    approval {
      reason = "writes"
    }
  }
}

repair "write" "last" {
  on      = ["a"]
  path    = "%DIR%/last"
  content = "new"
}
`, nil)
	for _, h := range []string{"a", "b"} {
		if err := os.WriteFile(dir+"/w-"+h, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	req.Resume = &audit.Resume{RunID: "dead", Chain: []string{"dead"},
		Done:      map[audit.StepHost]audit.Done{{Step: "repair.write.w", Host: "a"}: {Run: "dead", Outcome: audit.OutcomeChanged}},
		Unknown:   []audit.StepHost{{Step: "repair.write.last", Host: "a"}},
		Decisions: []audit.Decision{{StepHost: audit.StepHost{Step: "repair.write.last", Host: "a"}, Skip: true}}}
	g := &grant{allow: map[string]bool{"repair.write.w": true}}
	req.Approver = g
	mem := &memAudit{}
	run, err := newEngine(mem).Apply(context.Background(), req)
	if err != nil || run.Failed() {
		t.Fatalf("apply: %v %s %v", err, run.Err, statuses(run))
	}
	for file, want := range map[string]string{"w-a": "old", "w-b": "new"} {
		if b, _ := os.ReadFile(dir + "/" + file); string(b) != want {
			t.Errorf("%s = %q, want %q", file, b, want)
		}
	}
	if _, err := os.Stat(dir + "/last"); err == nil {
		t.Error("the repair decided skipped ran")
	}
	for _, h := range []string{"a", "b"} {
		if _, err := os.Stat(dir + "/diag-" + h); err != nil {
			t.Errorf("the diagnose did not run again on %s", h)
		}
	}
	if len(g.asked) != 1 {
		t.Errorf("gates asked %v, want one (batch 2, host b)", g.asked)
	}
	ev := mem.events()
	for _, want := range []string{"step_finish repair.write.w a skipped", "step_finish repair.write.w b changed",
		"note repair.write.last a", "step_finish repair.write.last a skipped"} {
		if !slices.Contains(ev, want) {
			t.Errorf("audit records lack %q:\n%v", want, ev)
		}
	}
	if mem.recs[0].Event != audit.EventRunStart || mem.recs[0].Detail[audit.DetailResumes] != "dead" || run.Resumes != "dead" {
		t.Errorf("run_start does not name the resumed run: %+v", mem.recs[0])
	}
	for _, r := range mem.recs {
		if r.Step == "repair.write.w" && r.Host == "a" && r.Detail[audit.DetailDoneIn] != "dead" {
			t.Errorf("the skip record does not name the run that did it: %+v", r)
		}
	}
}
