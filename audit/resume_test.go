package audit

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// resumeLog is a log where run "a" (an apply of plan "pp") finished one
// repair on web1, died mid-repair on web2, and was resumed by run "b",
// which decided to run that repair again, skipped what a did and died in
// turn mid-repair on web1.
func resumeLog(t *testing.T) *Log {
	l := openTest(t)
	facts := map[string]string{FactPrefix + "var.dir": "sha256:11", FactPrefix + "inventory": "sha256:22"}
	bDetail := map[string]string{DetailResumes: "a", FactPrefix + "var.dir": "sha256:11", FactPrefix + "inventory": "sha256:22"}
	appendAll(t, l, []Record{
		{RunID: "a", Event: EventRunStart, Mode: ModeApply, Operator: "alice", Runbook: "rb.mend.hcl", RunbookSHA256: "aaaa", PlanSHA256: "pp", Detail: facts},
		{RunID: "a", Event: EventStepStart, Step: "diagnose.command.probe", Host: "web1"},
		{RunID: "a", Event: EventStepFinish, Step: "diagnose.command.probe", Host: "web1", Outcome: OutcomeOK},
		{RunID: "a", Event: EventStepStart, Step: "repair.command.one", Host: "web1"},
		{RunID: "a", Event: EventStepFinish, Step: "repair.command.one", Host: "web1", Outcome: OutcomeChanged},
		{RunID: "a", Event: EventStepStart, Step: "repair.command.one", Host: "web2"},
		{RunID: "other", Event: EventRunStart, Mode: ModeApply},
		{RunID: "other", Event: EventStepStart, Step: "repair.command.two", Host: "web1"},
		{RunID: "other", Event: EventStepFinish, Step: "repair.command.two", Host: "web1", Outcome: OutcomeChanged},
		{RunID: "b", Event: EventRunStart, Mode: ModeApply, Operator: "bob", Runbook: "rb.mend.hcl", RunbookSHA256: "aaaa", PlanSHA256: "pp", Detail: bDetail},
		{RunID: "b", Event: EventStepFinish, Step: "repair.command.one", Host: "web2", Outcome: OutcomeUnknown},
		{RunID: "b", Event: EventNote, Step: "repair.command.one", Host: "web2", Detail: map[string]string{DetailDecision: DecisionRerun}},
		{RunID: "b", Event: EventStepFinish, Step: "repair.command.one", Host: "web1", Outcome: OutcomeSkipped, Detail: map[string]string{DetailDoneIn: "a", DetailDoneOutcome: "changed"}},
		{RunID: "b", Event: EventStepStart, Step: "repair.command.one", Host: "web2"},
		{RunID: "b", Event: EventStepFinish, Step: "repair.command.one", Host: "web2", Outcome: OutcomeChanged},
		{RunID: "b", Event: EventStepStart, Step: "repair.command.two", Host: "web1"},
		{RunID: "b", Event: EventStepStart, Step: "repair.command.three", Host: "web1"},
		{RunID: "b", Event: EventStepFinish, Step: "repair.command.three", Host: "web1", Outcome: OutcomeFailed},
	})
	return l
}

// TestReadResumeChain: resuming b continues a as well: what a finished
// (and b skipped) is done in a, what b ran is done in b, a's unknown
// repair that b ran again is done, b's own unknown repair is unknown, a
// failed repair runs again, another run's records count for nothing, and
// a diagnose a went past is passed.
func TestReadResumeChain(t *testing.T) {
	l := resumeLog(t)
	res, err := ReadResume(l.Path(), "b")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Chain, []string{"b", "a"}) {
		t.Errorf("chain %v", res.Chain)
	}
	want := map[StepHost]Done{
		{"repair.command.one", "web1"}: {Run: "a", Outcome: OutcomeChanged},
		{"repair.command.one", "web2"}: {Run: "b", Outcome: OutcomeChanged},
	}
	if len(res.Done) != len(want) {
		t.Errorf("done %v, want %v", res.Done, want)
	}
	for k, d := range want {
		if res.Done[k] != d {
			t.Errorf("done[%v] = %+v, want %+v", k, res.Done[k], d)
		}
	}
	if !slices.Equal(res.Unknown, []StepHost{{"repair.command.two", "web1"}}) {
		t.Errorf("unknown %v", res.Unknown)
	}
	if !res.Passed["diagnose.command.probe"] {
		t.Error("the diagnose a went past is not passed")
	}
}

// TestReadResumeRefuses: a run resumed already, a finished run, a plan,
// an unknown run and a live one are refused, each saying why.
func TestReadResumeRefuses(t *testing.T) {
	l := resumeLog(t)
	appendAll(t, l, []Record{
		{RunID: "done", Event: EventRunStart, Mode: ModeApply},
		{RunID: "done", Event: EventRunEnd, Outcome: OutcomeOK},
		{RunID: "plan", Event: EventRunStart, Mode: ModePlan},
	})
	for id, want := range map[string]string{
		"a":     "was resumed already by run b",
		"done":  "run done finished at",
		"plan":  "was a plan, not an apply",
		"nope":  "has no run nope",
		"../x":  "is not a run id",
		"other": "", // dead, unfinished: resumable
	} {
		_, err := ReadResume(l.Path(), id)
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", id, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", id, err, want)
		}
	}
	live, err := BeginRun(context.Background(), l.Path(), RunOptions{RunID: "live"})
	if err != nil {
		t.Fatal(err)
	}
	defer live.End()
	if _, err := live.Append(Record{RunID: "live", Event: EventRunStart, Mode: ModeApply}); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadResume(l.Path(), "live"); err == nil || !strings.Contains(err.Error(), "run live is still going") {
		t.Errorf("live run: %v", err)
	}
}

// TestResumeCheck: another runbook, plan or input is refused, naming it.
func TestResumeCheck(t *testing.T) {
	res, err := ReadResume(resumeLog(t).Path(), "b")
	if err != nil {
		t.Fatal(err)
	}
	same := map[string]string{FactPrefix + "var.dir": "sha256:11", FactPrefix + "inventory": "sha256:22"}
	if err := res.Check("aaaa", "pp", same); err != nil {
		t.Errorf("same inputs: %v", err)
	}
	other := map[string]string{FactPrefix + "var.dir": "sha256:99", FactPrefix + "var.new": "sha256:1"}
	err = res.Check("bbbb", "", other)
	for _, want := range []string{"the runbook rb.mend.hcl was edited since run b", "applied the saved plan pp: resume it with that plan file",
		"input var.dir changed since run b", "input var.new was not an input of run b", "the inventory (its hosts"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("check: %v, want %q", err, want)
		}
	}
	if err := res.Check("aaaa", "qq", same); err == nil || !strings.Contains(err.Error(), "not this one") {
		t.Errorf("another plan: %v", err)
	}
}

// TestResumeDecide: an unknown repair must be decided; a skip counts it
// as done, --rerun-unknown runs it, a skip of nothing unknown is an error.
func TestResumeDecide(t *testing.T) {
	res, err := ReadResume(resumeLog(t).Path(), "b")
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Decide(false, nil); err == nil || !strings.Contains(err.Error(), "repair.command.two on web1 is unknown") {
		t.Errorf("no decision: %v", err)
	}
	if err := res.Decide(true, []string{"repair.command.one"}); err == nil || !strings.Contains(err.Error(), "--skip-unknown repair.command.one") {
		t.Errorf("skip of a repair not unknown: %v", err)
	}
	if err := res.Decide(false, []string{"repair.command"}); err != nil {
		t.Fatal(err)
	}
	if d, ok := res.DoneOn("repair.command.two", "web1"); !ok || !d.Decided || d.Outcome != OutcomeSkipped {
		t.Errorf("skipped by decision: %+v %v", d, ok)
	}
	if err := res.Decide(true, nil); err != nil {
		t.Fatal(err)
	}
	if _, ok := res.DoneOn("repair.command.two", "web1"); ok {
		t.Error("a repair decided to run again counts as done")
	}
	if len(res.Decisions) != 1 || res.Decisions[0].Skip {
		t.Errorf("decisions %+v", res.Decisions)
	}
}
