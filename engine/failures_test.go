package engine_test

// How refusals, failures, lost connections and retries stop a run or let
// it go on: a refused batch stops a rolling step, on_failure = "continue"
// never hides an unknown outcome, a retried repair keeps "changed", a
// plan sees pending repairs past an ignored failure, and odd `on` values.

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// flipApprover refuses the first gate it is asked and grants later ones:
// an operator who refused batch 1 must not be asked about batch 2.
type flipApprover struct {
	mu sync.Mutex
	n  int
}

func (f *flipApprover) Approve(ctx context.Context, g engine.Gate) (engine.Decision, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	return engine.Decision{Granted: f.n > 1, By: "op", Reason: "operator typed no"}, nil
}

func TestRefusedBatchStopsRollingStep(t *testing.T) {
	req, dir := setup(t, `
repair "danger_write" "w" {
  on      = "web"
  serial  = 1
  path    = "%DIR%/f-${host.name}"
  content = "x"
  approval {
    reason = "r"
  }
}
`, nil)
	ap := &flipApprover{}
	req.Approver = ap
	run, err := newEngine(&memAudit{}).Apply(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range run.Steps[0].Hosts {
		got = append(got, h.Host+" "+string(h.Status))
	}
	if d := cmp.Diff([]string{"a refused", "b not-run"}, got); d != "" {
		t.Errorf("hosts (-want +got):\n%s", d)
	}
	if ap.n != 1 {
		t.Errorf("approver asked %d times, want 1", ap.n)
	}
	if _, err := os.Stat(filepath.Join(dir, "f-b")); err == nil {
		t.Error("batch 2 ran after batch 1 was refused")
	}
}

// lostRepair fails with an exit status on host a and loses its
// connection mid-apply on host b.
type lostRepair struct{}

func (lostRepair) Name() string     { return "flaky" }
func (lostRepair) NewConfig() any   { return &struct{}{} }
func (lostRepair) Output() cty.Type { return cty.EmptyObject }
func (lostRepair) Dangerous() bool  { return false }
func (lostRepair) Plan(ctx context.Context, req steps.PlanRequest) (steps.PlanResponse, error) {
	return steps.PlanResponse{Action: steps.Change, Preview: steps.Preview{Summary: "do it"}}, nil
}
func (lostRepair) Apply(ctx context.Context, req steps.ApplyRequest) (steps.ApplyResponse, error) {
	if req.Host.Info().Name == "a" {
		return steps.ApplyResponse{}, steps.Errorf(steps.ClassExitStatus, "exit 1")
	}
	return steps.ApplyResponse{}, steps.Errorf(steps.ClassTransport, "connection lost mid-command")
}

// TestContinueNeverHidesOutcomeUnknown: on_failure = "continue" tolerates a
// failure, not a repair whose outcome is unknown on another host.
func TestContinueNeverHidesOutcomeUnknown(t *testing.T) {
	reg := steps.NewRegistry([]steps.Diagnoser{shDiag{}}, []steps.Repairer{lostRepair{}})
	req, _ := setup(t, `diagnose "sh" "n" {
  on      = ["a"]
  command = "true"
}`, nil)
	rb, diags := load(req.Runbook.Filename, []byte(`
repair "flaky" "x" {
  on         = "web"
  on_failure = "continue"
}
`), reg)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	req.Runbook = rb
	run, _ := engine.New(engine.Options{Registry: reg, Connector: localConnector{}}).Apply(context.Background(), req)
	if s := run.Steps[0]; s.Status != engine.StatusOutcomeUnknown || !run.Failed() {
		t.Errorf("step %s, run failed %v; want outcome-unknown and a failed run", s.Status, run.Failed())
	}
}

// TestRetryKeepsChanged: an attempt that changed the host and then failed
// still changed it; the step says so and what depends on it runs.
func TestRetryKeepsChanged(t *testing.T) {
	reg := steps.NewRegistry([]steps.Diagnoser{shDiag{}}, []steps.Repairer{onceRepair{}, writeRepair{}})
	req, dir := setup(t, `diagnose "sh" "n" {
  on      = ["a"]
  command = "true"
}`, nil)
	rb, diags := load(req.Runbook.Filename, []byte(`
repair "once" "fix" {
  on         = ["a"]
  flag       = "`+dir+`/flag"
  on_failure = "continue"
  retry {
    attempts = 2
  }
}
repair "write" "after" {
  on      = ["a"]
  when    = repair.once.fix.changed
  path    = "`+dir+`/after"
  content = "x"
}
`), reg)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	req.Runbook = rb
	run, _ := engine.New(engine.Options{Registry: reg, Connector: localConnector{}}).Apply(context.Background(), req)
	if d := cmp.Diff([]string{"repair.once.fix failed", "repair.write.after changed"}, statuses(run)); d != "" {
		t.Errorf("statuses (-want +got):\n%s", d)
	}
}

// onceRepair touches a flag and fails the first time; the second time it
// finds the flag and does nothing (like `unless = "test -e flag"`).
type onceRepair struct{}

type onceConfig struct {
	Flag string `hcl:"flag"`
}

func (onceRepair) Name() string     { return "once" }
func (onceRepair) NewConfig() any   { return &onceConfig{} }
func (onceRepair) Output() cty.Type { return cty.EmptyObject }
func (onceRepair) Dangerous() bool  { return false }
func (onceRepair) Plan(ctx context.Context, req steps.PlanRequest) (steps.PlanResponse, error) {
	return steps.PlanResponse{Action: steps.Unknown}, nil
}
func (onceRepair) Apply(ctx context.Context, req steps.ApplyRequest) (steps.ApplyResponse, error) {
	flag := req.Config.(*onceConfig).Flag
	if _, err := os.Stat(flag); err == nil {
		return steps.ApplyResponse{}, steps.Errorf(steps.ClassStep, "flag exists; nothing done")
	}
	os.WriteFile(flag, nil, 0o644)
	return steps.ApplyResponse{Changed: true}, steps.Errorf(steps.ClassExitStatus, "exit 1 after touching the flag")
}

// TestPendingSeenThroughAnIgnoredFailure: one host would change, another
// fails with on_failure = "continue"; the plan still has pending changes
// and later diagnoses are deferred.
func TestPendingSeenThroughAnIgnoredFailure(t *testing.T) {
	req, dir := setup(t, `
repair "write" "w" {
  on         = "web"
  on_failure = "continue"
  path       = "%DIR%/${host.name == "b" ? "test.mend.hcl/" : ""}f"
  content    = "x"
}
diagnose "sh" "later" {
  on      = ["a"]
  command = "true"
}
`, nil)
	_ = dir
	run, _ := newEngine(&memAudit{}).Plan(context.Background(), req)
	if got := run.Steps[0].Hosts[1].Status; got != engine.StatusFailed {
		t.Fatalf("host b = %s, want failed (the test needs one failing host)", got)
	}
	if !run.Pending() || run.Steps[1].Status != engine.StatusDeferred {
		t.Errorf("pending %v, later %s; want pending and deferred (hosts %+v %+v)", run.Pending(), run.Steps[1].Status,
			run.Steps[0].Hosts[0], run.Steps[0].Hosts[1])
	}
}

// TestOnEdgeCases: an `on` that names nothing runs nowhere and says so; an
// `on` that fails leaves a null value, so a later reference fails on its
// own line instead of with a confusing message.
func TestOnEdgeCases(t *testing.T) {
	req, _ := setup(t, `
variable "none" {
  type    = list(string)
  default = []
}
diagnose "sh" "nowhere" {
  on      = var.none
  command = "true"
}
diagnose "sh" "pick" {
  on      = ["a"]
  command = "echo nosuchhost"
}
diagnose "sh" "bad_on" {
  on         = [diagnose.sh.pick.stdout]
  on_failure = "continue"
  command    = "true"
}
`, nil)
	run, _ := newEngine(&memAudit{}).Apply(context.Background(), req)
	want := []string{"diagnose.sh.nowhere skipped", "diagnose.sh.pick ok", "diagnose.sh.bad_on failed"}
	if d := cmp.Diff(want, statuses(run)); d != "" {
		t.Errorf("statuses (-want +got):\n%s", d)
	}
	if got := run.Steps[0].Reason; got != "on resolved to no hosts" {
		t.Errorf("nowhere reason = %q", got)
	}
	if h := run.Steps[2].Hosts[0]; h.Host != "on = [diagnose.sh.pick.stdout]" {
		t.Errorf("bad_on host label = %q", h.Host)
	}
}
