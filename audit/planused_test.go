package audit

import (
	"path/filepath"
	"strings"
	"testing"
)

// A saved plan is used up by an apply of it that started a repair, and
// not by one refused before any repair, nor by an apply of another plan.
func TestPlanApplied(t *testing.T) {
	if err := PlanApplied(filepath.Join(t.TempDir(), "none.jsonl"), "aa"); err != nil {
		t.Fatalf("a missing log applied nothing: %v", err)
	}
	l := openTest(t)
	appendAll(t, l, []Record{
		{RunID: "refused", Event: EventRunStart, Mode: ModeApply, Operator: "alice", PlanSHA256: "aa"},
		{RunID: "refused", Event: EventStepStart, Step: "diagnose.file.ca", Host: "web1"},
		{RunID: "refused", Event: EventRunEnd, Outcome: OutcomeRefused},
		{RunID: "other", Event: EventRunStart, Mode: ModeApply, Operator: "bob", PlanSHA256: "bb"},
		{RunID: "other", Event: EventStepStart, Step: "repair.file.install_ca", Host: "web1"},
	})
	if err := PlanApplied(l.Path(), "aa"); err != nil {
		t.Fatalf("plan aa only ran diagnoses: %v", err)
	}
	err := PlanApplied(l.Path(), "bb")
	if err == nil || !strings.Contains(err.Error(), "this plan was already applied: run other") || !strings.Contains(err.Error(), "by bob ran repair.file.install_ca") {
		t.Fatalf("plan bb: %v", err)
	}
}
