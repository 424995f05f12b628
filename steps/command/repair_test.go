package command

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/transport/local"
	"github.com/zclconf/go-cty/cty"
)

// planned is what a test compares after Plan.
type planned struct {
	Action  steps.Action
	Preview steps.Preview
	Output  string
}

// TestRepairPlanNeverRuns proves Plan only evaluates guards: the command,
// which would create a marker file, never runs.
func TestRepairPlanNeverRuns(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing")
	if err := os.WriteFile(existing, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(dir, "ran")
	cmd := "touch " + marker
	tests := []struct {
		name string
		cfg  RepairConfig
		want planned
	}{
		{name: "no guards: change, skipped known false",
			cfg:  RepairConfig{Command: cmd},
			want: planned{steps.Change, steps.Preview{Summary: "run " + cmd, Command: cmd}, plannedOf(cty.NullVal(cty.DynamicPseudoType), cty.False)}},
		{name: "creates missing: change",
			cfg:  RepairConfig{Command: cmd, Creates: marker, JSON: true},
			want: planned{steps.Change, steps.Preview{Summary: "run " + cmd, Command: cmd}, plannedOf(cty.DynamicVal, cty.UnknownVal(cty.Bool))}},
		{name: "creates exists: no-op",
			cfg:  RepairConfig{Command: cmd, Creates: existing},
			want: planned{steps.NoOp, steps.Preview{Summary: "skipped: " + existing + " exists"}, skippedOutput().GoString()}},
		{name: "creates with a quote in the path",
			cfg:  RepairConfig{Command: cmd, Creates: filepath.Join(dir, "it's here")},
			want: planned{steps.Change, steps.Preview{Summary: "run " + cmd, Command: cmd}, plannedOf(cty.NullVal(cty.DynamicPseudoType), cty.UnknownVal(cty.Bool))}},
		{name: "unless exits 0: no-op",
			cfg:  RepairConfig{Command: cmd, Unless: "test -e " + existing},
			want: planned{steps.NoOp, steps.Preview{Summary: `skipped: unless "test -e ` + existing + `" exited 0`}, skippedOutput().GoString()}},
		{name: "unless exits 1: change",
			cfg:  RepairConfig{Command: cmd, Unless: "false"},
			want: planned{steps.Change, steps.Preview{Summary: "run " + cmd, Command: cmd}, plannedOf(cty.NullVal(cty.DynamicPseudoType), cty.UnknownVal(cty.Bool))}},
		{name: "multi-line command: summary shows the first line",
			cfg: RepairConfig{Command: "set -e\n" + cmd},
			want: planned{steps.Change, steps.Preview{Summary: "run set -e …", Command: "set -e\n" + cmd},
				plannedOf(cty.NullVal(cty.DynamicPseudoType), cty.False)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := Repair{}.Plan(context.Background(), steps.PlanRequest{Config: &tt.cfg, Host: local.Host{}})
			if err != nil {
				t.Fatalf("Plan: %v", err)
			}
			assertConforms(t, Repair{}.Output(), resp.Output)
			got := planned{resp.Action, resp.Preview, resp.Output.GoString()}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Plan (-want +got):\n%s", diff)
			}
			assertMissing(t, marker)
		})
	}
}

// TestRepairApplyThenPlanIsNoOp: apply runs the command once; the guard
// then makes both plan and a second apply no-ops.
func TestRepairApplyThenPlanIsNoOp(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "ran")
	cfg := RepairConfig{Command: "echo created; touch " + marker, Creates: marker}
	resp, err := Repair{}.Apply(context.Background(), steps.ApplyRequest{Config: &cfg, Host: local.Host{}})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	assertConforms(t, Repair{}.Output(), resp.Output)
	want := steps.ApplyResponse{Changed: true, Summary: "exit 0",
		Output: withSkipped(outputVal(0, "created\n", "", cty.NullVal(cty.DynamicPseudoType), true), false)}
	if diff := cmp.Diff(want, resp, cmp.Comparer(ctyEqual)); diff != "" {
		t.Errorf("Apply (-want +got):\n%s", diff)
	}
	assertExists(t, marker)

	plan, err := Repair{}.Plan(context.Background(), steps.PlanRequest{Config: &cfg, Host: local.Host{}})
	if err != nil || plan.Action != steps.NoOp {
		t.Errorf("Plan after apply = %v (%q), %v; want no-op", plan.Action, plan.Preview.Summary, err)
	}
	again, err := Repair{}.Apply(context.Background(), steps.ApplyRequest{Config: &cfg, Host: local.Host{}})
	wantAgain := steps.ApplyResponse{Summary: "skipped: " + marker + " exists", Output: skippedOutput()}
	if diff := cmp.Diff(wantAgain, again, cmp.Comparer(ctyEqual)); diff != "" || err != nil {
		t.Errorf("second Apply (-want +got):\n%s\nerror: %v", diff, err)
	}
}

// TestRepairApplyRechecksGuards: the plan said "change", then the host
// changed; apply sees the guard satisfied and does not run the command.
func TestRepairApplyRechecksGuards(t *testing.T) {
	dir := t.TempDir()
	done, marker := filepath.Join(dir, "done"), filepath.Join(dir, "ran")
	cfg := RepairConfig{Command: "touch " + marker, Unless: "test -e " + done}
	plan, err := Repair{}.Plan(context.Background(), steps.PlanRequest{Config: &cfg, Host: local.Host{}})
	if err != nil || plan.Action != steps.Change {
		t.Fatalf("Plan = %v, %v; want change", plan.Action, err)
	}
	if err := os.WriteFile(done, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	resp, err := Repair{}.Apply(context.Background(), steps.ApplyRequest{Config: &cfg, Host: local.Host{}})
	if err != nil || resp.Changed {
		t.Errorf("Apply = changed %v, %v; want skipped", resp.Changed, err)
	}
	assertMissing(t, marker)
}

func TestRepairApplyUnexpectedExit(t *testing.T) {
	cfg := RepairConfig{Command: "echo 'unit not found' >&2; exit 5", ExpectExit: []int{0}}
	resp, err := Repair{}.Apply(context.Background(), steps.ApplyRequest{Config: &cfg, Host: local.Host{}})
	if steps.Classify(err) != steps.ClassExitStatus {
		t.Errorf("Apply error = %v (%s), want class exit_status", err, steps.Classify(err))
	}
	want := steps.ApplyResponse{Changed: true, Summary: "exit 5 (expected 0)", Details: []string{"stderr: unit not found"},
		Output: withSkipped(outputVal(5, "", "unit not found\n", cty.NullVal(cty.DynamicPseudoType), false), false)}
	if diff := cmp.Diff(want, resp, cmp.Comparer(ctyEqual)); diff != "" {
		t.Errorf("Apply (-want +got):\n%s", diff)
	}
}

func TestRepairApplyTimeoutKillsCommand(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	pidFile := filepath.Join(t.TempDir(), "pid")
	cfg := RepairConfig{Command: "sleep 30 & echo $! > " + pidFile + "; wait"}
	_, err := Repair{}.Apply(ctx, steps.ApplyRequest{Config: &cfg, Host: local.Host{KillGrace: 100 * time.Millisecond}})
	if steps.Classify(err) != steps.ClassTimeout {
		t.Fatalf("Apply error = %v (%s), want class timeout", err, steps.Classify(err))
	}
	assertGone(t, pidFile)
}

func plannedOf(json, skipped cty.Value) string {
	return cty.ObjectVal(map[string]cty.Value{
		"exit_code": cty.UnknownVal(cty.Number),
		"stdout":    cty.UnknownVal(cty.String),
		"stderr":    cty.UnknownVal(cty.String),
		"json":      json,
		"ok":        cty.UnknownVal(cty.Bool),
		"skipped":   skipped,
	}).GoString()
}

// withSkipped adds the repair's skipped attribute to a diagnose output.
func withSkipped(v cty.Value, skipped bool) cty.Value {
	attrs := v.AsValueMap()
	attrs["skipped"] = cty.BoolVal(skipped)
	return cty.ObjectVal(attrs)
}

func ctyEqual(a, b cty.Value) bool { return a.GoString() == b.GoString() }

func TestNoHostIsAConfigError(t *testing.T) {
	cfg := RepairConfig{Command: "true"}
	_, perr := Repair{}.Plan(context.Background(), steps.PlanRequest{Config: &cfg})
	_, derr := Diagnose{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: &DiagnoseConfig{Command: "true"}})
	for _, err := range []error{perr, derr} {
		if steps.Classify(err) != steps.ClassConfig {
			t.Errorf("error = %v (%s), want class config", err, steps.Classify(err))
		}
	}
}
