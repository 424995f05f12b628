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
		{RunID: "other", Event: EventStepFinish, Step: "repair.file.install_ca", Host: "web1", Outcome: OutcomeChanged},
		{RunID: "other", Event: EventRunEnd, Outcome: OutcomeOK},
	})
	if err := PlanApplied(l.Path(), "aa"); err != nil {
		t.Fatalf("plan aa only ran diagnoses: %v", err)
	}
	err := PlanApplied(l.Path(), "bb")
	if err == nil || !strings.Contains(err.Error(), "this plan was already applied: run other") || !strings.Contains(err.Error(), "by bob ran repair.file.install_ca") {
		t.Fatalf("plan bb: %v", err)
	}
}

// A saved plan whose run died mid-repair is not applied again: the error
// names the run to resume, and once a resume of it has finished, the plan
// is used up.
func TestPlanAppliedUnfinished(t *testing.T) {
	l := openTest(t)
	appendAll(t, l, []Record{
		{RunID: "dead", Event: EventRunStart, Mode: ModeApply, Operator: "alice", PlanSHA256: "aa"},
		{RunID: "dead", Event: EventStepStart, Step: "repair.command.x", Host: "web1"},
	})
	err := PlanApplied(l.Path(), "aa")
	if err == nil || !strings.Contains(err.Error(), "run dead") || !strings.Contains(err.Error(), "did not finish") || !strings.Contains(err.Error(), "--resume dead") {
		t.Fatalf("plan of a dead run: %v", err)
	}
	appendAll(t, l, []Record{
		{RunID: "next", Event: EventRunStart, Mode: ModeApply, Operator: "bob", PlanSHA256: "aa", Detail: map[string]string{DetailResumes: "dead"}},
	})
	if err := PlanApplied(l.Path(), "aa"); err == nil || !strings.Contains(err.Error(), "--resume next") {
		t.Fatalf("plan of a dead run resumed by a dead run: %v", err)
	}
	appendAll(t, l, []Record{{RunID: "next", Event: EventRunEnd, Outcome: OutcomeOK}})
	if err := PlanApplied(l.Path(), "aa"); err == nil || !strings.Contains(err.Error(), "this plan was already applied: run dead") {
		t.Fatalf("plan whose run was resumed to the end: %v", err)
	}
}
