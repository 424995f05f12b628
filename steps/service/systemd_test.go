package service_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/service"
	"github.com/mend-sh/mend/steps/stepstest"
)

// No systemd runs as PID 1 here, so systemd is tested with the text
// systemctl prints, served by a scripted host.

// show renders `systemctl show` output (in systemd's own property order,
// not the order asked) plus the HostUptime line of the status command.
func show(active, sub string, pid int, inv string, restarts string) string {
	lines := []string{
		fmt.Sprintf("MainPID=%d", pid),
		"ExecMainStartTimestampMonotonic=5000000",
		"LoadState=loaded",
		"ActiveState=" + active,
		"SubState=" + sub,
		"InvocationID=" + inv,
		"NeedDaemonReload=no",
	}
	if restarts != "" {
		lines = append(lines[:1], append([]string{"NRestarts=" + restarts}, lines[1:]...)...)
	}
	return strings.Join(append(lines, "HostUptime=65.25"), "\n") + "\n"
}

const statusCmd = `systemctl show -p LoadState,ActiveState,SubState,MainPID,InvocationID,NRestarts,ExecMainStartTimestampMonotonic,NeedDaemonReload kube-apiserver && echo "HostUptime=$(cut -d' ' -f1 /proc/uptime)"`

func TestStatusSystemd(t *testing.T) {
	tests := []struct {
		name    string
		out     string
		want    map[string]cty.Value
		wantErr string
	}{
		{
			name: "running",
			out:  show("active", "running", 1234, "0b5e6f", "2"),
			want: map[string]cty.Value{
				"active": cty.True, "state": cty.StringVal("active/running"), "pid": cty.NumberIntVal(1234),
				"invocation_id": cty.StringVal("0b5e6f"), "uptime_s": cty.NumberFloatVal(60.25), "restarts": cty.NumberIntVal(2),
			},
		},
		{
			name: "failed, old systemd without NRestarts",
			out:  show("failed", "failed", 0, "", ""),
			want: map[string]cty.Value{
				"active": cty.False, "state": cty.StringVal("failed/failed"), "pid": cty.NumberIntVal(0),
				"invocation_id": cty.StringVal(""), "uptime_s": cty.NumberFloatVal(0), "restarts": cty.NullVal(cty.Number),
			},
		},
		{
			name: "between crashes",
			out:  show("activating", "auto-restart", 0, "77aa", "9"),
			want: map[string]cty.Value{
				"active": cty.False, "state": cty.StringVal("activating/auto-restart"), "pid": cty.NumberIntVal(0),
				"invocation_id": cty.StringVal("77aa"), "uptime_s": cty.NumberFloatVal(0), "restarts": cty.NumberIntVal(9),
			},
		},
		{
			name:    "unknown unit",
			out:     "LoadState=not-found\nActiveState=inactive\nSubState=dead\nMainPID=0\nHostUptime=1.00\n",
			wantErr: `systemd unit "kube-apiserver": unit is not loaded (LoadState=not-found)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &scriptedHost{states: []string{tt.out}}
			resp, err := service.Status{}.Diagnose(context.Background(), steps.DiagnoseRequest{
				Config: &service.StatusConfig{Name: "kube-apiserver"}, Host: h,
			})
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(cty.ObjectVal(tt.want), resp.Output, ctyCmp); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

// ctyCmp compares cty values by RawEquals.
var ctyCmp = cmp.Comparer(func(a, b cty.Value) bool { return a.RawEquals(b) })

func TestRepairSystemd(t *testing.T) {
	t.Parallel()
	before := show("active", "running", 100, "aaaa", "0")
	tests := []struct {
		name       string
		action     string
		after      []string
		wantPlan   steps.Action
		wantRan    []string
		wantPID    int
		wantErr    string
		wantInvSet bool
	}{
		{
			name: "restart proves a new invocation", action: "restart",
			after:    []string{show("active", "running", 200, "bbbb", "0")},
			wantPlan: steps.Change, wantRan: []string{"systemctl restart kube-apiserver"}, wantPID: 200,
		},
		{
			name: "restart into a crash loop", action: "restart",
			after: []string{
				show("active", "running", 200, "bbbb", "0"),
				show("active", "running", 210, "cccc", "1"),
			},
			wantPlan: steps.Change, wantRan: []string{"systemctl restart kube-apiserver"}, wantPID: 210,
			wantErr: "restarted",
		},
		{
			name: "restart that never produces a new instance", action: "restart",
			after:    []string{before},
			wantPlan: steps.Change, wantRan: []string{"systemctl restart kube-apiserver"}, wantPID: 100,
			wantErr: "did not come back as a new instance within 1s",
		},
		{
			name: "start on a running unit", action: "start",
			wantPlan: steps.NoOp, wantPID: 100,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := &service.RepairConfig{Name: "kube-apiserver", Action: tt.action, StableFor: "600ms", Wait: "1s"}
			h := &scriptedHost{states: []string{before}, afterCommand: tt.after}
			plan, err := service.Repair{}.Plan(context.Background(), steps.PlanRequest{Config: cfg, Host: h})
			if err != nil {
				t.Fatal(err)
			}
			if plan.Action == steps.Change && plan.Preview.Command != "systemctl "+tt.action+" kube-apiserver" {
				t.Errorf("preview command %q", plan.Preview.Command)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			apply, err := service.Repair{}.Apply(ctx, steps.ApplyRequest{Config: cfg, Host: h})
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
			got := []any{plan.Action, h.ran, num(apply.Output, "pid"), apply.Output.GetAttr("previous_invocation_id").AsString()}
			if diff := cmp.Diff([]any{tt.wantPlan, tt.wantRan, tt.wantPID, "aaaa"}, got); diff != "" {
				t.Errorf("plan action, commands run, pid, previous_invocation_id (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecodeConfig: the arguments as a runbook gives them, decoded and
// validated as the engine does.
func TestDecodeConfig(t *testing.T) {
	refused := func(msg string) []string { return []string{"1:1: Invalid step argument; " + msg} }
	stepstest.DecodeTable(t, []stepstest.DecodeCase{
		{Name: "ok systemd", Type: service.Repair{}, Src: "name = \"etcd\"\naction = \"restart\"\n",
			Want: &service.RepairConfig{Name: "etcd", Action: "restart"}},
		{Name: "ok runit", Type: service.Repair{},
			Src:  "name = \"etcd\"\nsupervisor = \"runit\"\nsvdir = \"/srv/sv\"\naction = \"stop\"\nstable_for = \"0s\"\nwait = \"30s\"\n",
			Want: &service.RepairConfig{Name: "etcd", Supervisor: "runit", SVDir: "/srv/sv", Action: "stop", StableFor: "0s", Wait: "30s"}},
		{Name: "action is required", Type: service.Repair{}, Src: `name = "etcd"`,
			WantDiags: []string{`1:1: Missing required argument; The argument "action" is required`}},
		{Name: "bad action", Type: service.Repair{}, Src: "name = \"etcd\"\naction = \"bounce\"\n",
			WantDiags: refused(`service etcd: unknown action "bounce": want one of restart, start, stop, reload`)},
		{Name: "bad supervisor", Type: service.Repair{}, Src: "name = \"etcd\"\nsupervisor = \"upstart\"\naction = \"start\"\n",
			WantDiags: refused(`service etcd: unknown supervisor "upstart": want "systemd" or "runit"`)},
		{Name: "svdir with systemd", Type: service.Repair{}, Src: "name = \"etcd\"\nsvdir = \"/x\"\naction = \"start\"\n",
			WantDiags: refused(`service etcd: svdir is only for supervisor = "runit"`)},
		{Name: "name with slash", Type: service.Repair{}, Src: "name = \"../etc\"\naction = \"start\"\n",
			WantDiags: refused(`service: invalid name "../etc": want a unit or service name without slashes`)},
		{Name: "option as name", Type: service.Repair{}, Src: "name = \"--all\"\naction = \"start\"\n",
			WantDiags: refused(`service: invalid name "--all": want a unit or service name without slashes`)},
		{Name: "bad duration", Type: service.Repair{}, Src: "name = \"etcd\"\naction = \"start\"\nwait = \"30\"\n",
			WantDiags: refused(`service: wait = "30" is not a duration like "5s"`)},
	}, stepstest.ConfigRefusals)
}
