package service_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/service"
	"github.com/mend-sh/mend/transport/local"
)

func diagnose(t *testing.T, cfg *service.StatusConfig) (cty.Value, error) {
	t.Helper()
	resp, err := service.Status{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: cfg, Host: local.Host{}})
	return resp.Output, err
}

func num(v cty.Value, attr string) int {
	n, _ := v.GetAttr(attr).AsBigFloat().Int64()
	return int(n)
}

// waitRunning waits until sv status reports the service running and the
// pid file agrees (runsv writes the pid file before the status record).
func waitRunning(t *testing.T, dir, name string) {
	t.Helper()
	waitFor(t, 5*time.Second, name+" running", func() bool {
		out, err := diagnose(t, &service.StatusConfig{Name: name, Supervisor: "runit", SVDir: dir})
		return err == nil && out.GetAttr("active").True() && num(out, "pid") == servicePID(dir, name)
	})
}

func TestStatusRunit(t *testing.T) {
	t.Parallel()
	dir := startRunsvdir(t, "steady", "idle")
	waitRunning(t, dir, "steady")
	steadyPID := servicePID(dir, "steady")
	tests := []struct {
		name       string
		service    string
		wantActive bool
		wantState  string
		wantPID    int
		wantErr    string
	}{
		{name: "running", service: "steady", wantActive: true, wantState: "run", wantPID: steadyPID},
		{name: "down file", service: "idle", wantState: "down"},
		{name: "unknown service", service: "nosuch", wantErr: "unable to change to service directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := diagnose(t, &service.StatusConfig{Name: tt.service, Supervisor: "runit", SVDir: dir})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := []any{out.GetAttr("active").True(), out.GetAttr("state").AsString(), num(out, "pid"), out.GetAttr("restarts").IsNull()}
			if diff := cmp.Diff([]any{tt.wantActive, tt.wantState, tt.wantPID, true}, got); diff != "" {
				t.Errorf("active, state, pid, restarts null (-want +got):\n%s", diff)
			}
			inv := out.GetAttr("invocation_id").AsString()
			if tt.wantPID != 0 && !strings.HasPrefix(inv, fmt.Sprintf("%d@", tt.wantPID)) {
				t.Errorf("invocation_id = %q, want it to start with the pid %d", inv, tt.wantPID)
			}
			if tt.wantPID == 0 && inv != "" {
				t.Errorf("invocation_id = %q for a down service, want empty", inv)
			}
		})
	}
}

func TestStatusRunitNotSupervised(t *testing.T) {
	t.Parallel()
	need(t, "sv")
	dir := t.TempDir() // a service directory nobody runs runsv in
	_, err := diagnose(t, &service.StatusConfig{Name: "ghost", Supervisor: "runit", SVDir: dir})
	if err == nil || !strings.Contains(err.Error(), `runit service "ghost"`) {
		t.Fatalf("error = %v, want one naming the service", err)
	}
}

// repair runs Plan then Apply of a runit service repair on the local host.
func repair(t *testing.T, cfg *service.RepairConfig) (steps.PlanResponse, steps.ApplyResponse, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := (service.Repair{}).ValidateConfig(cfg); err != nil {
		t.Fatal(err)
	}
	plan, err := service.Repair{}.Plan(ctx, steps.PlanRequest{Config: cfg, Host: local.Host{}})
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	apply, err := service.Repair{}.Apply(ctx, steps.ApplyRequest{Config: cfg, Host: local.Host{}})
	return plan, apply, err
}

func TestRestartRunitProvesNewStableInstance(t *testing.T) {
	t.Parallel()
	dir := startRunsvdir(t, "steady")
	waitRunning(t, dir, "steady")
	oldPID := servicePID(dir, "steady")
	cfg := &service.RepairConfig{Name: "steady", Supervisor: "runit", SVDir: dir, Action: "restart", StableFor: "1s", Wait: "5s"}
	start := time.Now()
	plan, apply, err := repair(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	wantCmd := fmt.Sprintf("SVDIR=%s sv -w 5 -v restart steady", dir)
	if diff := cmp.Diff([]any{steps.Change, wantCmd, oldPID}, []any{plan.Action, plan.Preview.Command, num(plan.Output, "previous_pid")}); diff != "" {
		t.Errorf("plan action, command, previous_pid (-want +got):\n%s", diff)
	}
	if plan.Output.GetAttr("pid").IsKnown() {
		t.Errorf("planned pid is known (%#v); it can only be known after apply", plan.Output.GetAttr("pid"))
	}
	newPID := num(apply.Output, "pid")
	if !apply.Changed || newPID == oldPID || num(apply.Output, "previous_pid") != oldPID {
		t.Errorf("changed=%v pid %d previous_pid %d, want a new pid replacing %d", apply.Changed, newPID, num(apply.Output, "previous_pid"), oldPID)
	}
	if newPID != servicePID(dir, "steady") || !alive(newPID) || alive(oldPID) {
		t.Errorf("runsv says pid %d (alive %v), old %d alive %v; apply reported %d", servicePID(dir, "steady"), alive(newPID), oldPID, alive(oldPID), newPID)
	}
	if took := time.Since(start); took < time.Second {
		t.Errorf("apply took %s, less than the 1s stability window", took)
	}
}

func TestRestartRunitCrashLoopFails(t *testing.T) {
	t.Parallel()
	dir := startRunsvdir(t, "crashy")
	cfg := &service.RepairConfig{Name: "crashy", Supervisor: "runit", SVDir: dir, Action: "restart", StableFor: "3s", Wait: "5s"}
	_, apply, err := repair(t, cfg)
	if err == nil || !strings.Contains(err.Error(), "crash loop?") {
		t.Fatalf("error = %v, want a crash loop to be detected", err)
	}
	if steps.Classify(err) != steps.ClassStep || !apply.Changed {
		t.Errorf("class %q changed %v, want step and true", steps.Classify(err), apply.Changed)
	}
	t.Log(err)
}

func TestStopThenStartRunit(t *testing.T) {
	t.Parallel()
	dir := startRunsvdir(t, "steady")
	waitRunning(t, dir, "steady")
	oldPID := servicePID(dir, "steady")
	sequence := []struct {
		action     string
		wantPlan   steps.Action
		wantActive bool
		wantState  string
	}{
		{"stop", steps.Change, false, "down"},
		{"stop", steps.NoOp, false, "down"},
		{"start", steps.Change, true, "run"},
		{"start", steps.NoOp, true, "run"},
	}
	for i, st := range sequence {
		t.Run(fmt.Sprintf("%d_%s", i, st.action), func(t *testing.T) {
			cfg := &service.RepairConfig{Name: "steady", Supervisor: "runit", SVDir: dir, Action: st.action, StableFor: "500ms", Wait: "5s"}
			plan, apply, err := repair(t, cfg)
			if err != nil {
				t.Fatal(err)
			}
			got := []any{plan.Action, apply.Changed, apply.Output.GetAttr("active").True(), apply.Output.GetAttr("state").AsString()}
			want := []any{st.wantPlan, st.wantPlan == steps.Change, st.wantActive, st.wantState}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("plan action, changed, active, state (-want +got):\n%s", diff)
			}
		})
	}
	if alive(oldPID) {
		t.Errorf("the pid before stop, %d, is still alive", oldPID)
	}
}

// TestStopCrashLoopRunit stops a crash-looping service in the second
// after a crash, when runsv sleeps before restarting it ("down, want up"):
// that is not "already down", and the stop must last (runsv must have
// taken it) before a start that follows at once. Before, the stop was a
// no-op there and runsv kept restarting the service; and a stop that
// returned as soon as the service was down let a start sent within that
// second be dropped by sv (want up already recorded), leaving the service
// down once runsv took the stop.
func TestStopCrashLoopRunit(t *testing.T) {
	t.Parallel()
	dir := startRunsvdir(t, "flaky")
	waitRunning(t, dir, "flaky")
	if err := os.WriteFile(filepath.Join(dir, "flaky", "crash"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("sv", "term", filepath.Join(dir, "flaky")).CombinedOutput(); err != nil {
		t.Fatalf("sv term: %v %s", err, out)
	}
	waitFor(t, 10*time.Second, "flaky down between two crashes", func() bool {
		out, _ := exec.Command("sv", "status", filepath.Join(dir, "flaky")).Output()
		return strings.HasPrefix(string(out), "down:") && strings.Contains(string(out), "want up")
	})
	plan, _, err := repair(t, &service.RepairConfig{Name: "flaky", Supervisor: "runit", SVDir: dir, Action: "stop", Wait: "5s"})
	if err != nil {
		t.Fatalf("stop: %v", err)
	}
	if plan.Action != steps.Change {
		t.Errorf("stop planned %s, want change: a service that runsv restarts is not stopped", plan.Action)
	}
	if err := os.Remove(filepath.Join(dir, "flaky", "crash")); err != nil {
		t.Fatal(err)
	}
	_, apply, err := repair(t, &service.RepairConfig{Name: "flaky", Supervisor: "runit", SVDir: dir, Action: "start", StableFor: "500ms", Wait: "5s"})
	if err != nil {
		t.Fatalf("start right after the stop: %v", err)
	}
	if !apply.Output.GetAttr("active").True() {
		t.Errorf("after start: %#v", apply.Output)
	}
}
