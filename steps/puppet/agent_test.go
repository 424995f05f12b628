package puppet_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/puppet"
	"github.com/mend-sh/mend/steps/stepstest"
	"github.com/mend-sh/mend/transport/local"
)

var ctyCmp = cmp.Comparer(func(a, b cty.Value) bool { return a.RawEquals(b) })

// agentStep plans, then applies, a puppet_agent block on the local host.
func agentStep(t *testing.T, cfg *puppet.AgentConfig) (steps.PlanResponse, steps.ApplyResponse, error) {
	t.Helper()
	if err := (puppet.Agent{}).ValidateConfig(cfg); err != nil {
		t.Fatal(err)
	}
	plan, err := puppet.Agent{}.Plan(context.Background(), steps.PlanRequest{Config: cfg, Host: local.Host{}})
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	apply, err := puppet.Agent{}.Apply(context.Background(), steps.ApplyRequest{Config: cfg, Host: local.Host{}})
	return plan, apply, err
}

func agentOut(disabled bool, reason string, changed bool) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"disabled": cty.BoolVal(disabled), "reason": cty.StringVal(reason),
		"exit_code": cty.NullVal(cty.Number), "changed": cty.BoolVal(changed),
	})
}

func TestDisableEnable(t *testing.T) {
	lock := filepath.Join(t.TempDir(), "state", "agent_disabled.lock")
	if err := os.MkdirAll(filepath.Dir(lock), 0o755); err != nil {
		t.Fatal(err)
	}
	const reason = "mend INC-42: etcd CA replaced by hand; re-enable after the hiera fix"
	sequence := []struct {
		name     string
		cfg      puppet.AgentConfig
		wantPlan steps.Action
		wantOut  cty.Value
		wantFile string // "" : no lock file
	}{
		{"disable", puppet.AgentConfig{Action: "disable", Reason: reason, Lockfile: lock}, steps.Change, agentOut(true, reason, true), `{"disabled_message":"` + reason + `"}`},
		{"disable again", puppet.AgentConfig{Action: "disable", Reason: reason, Lockfile: lock}, steps.NoOp, agentOut(true, reason, false), `{"disabled_message":"` + reason + `"}`},
		{"disable with another reason", puppet.AgentConfig{Action: "disable", Reason: "other", Lockfile: lock}, steps.Change, agentOut(true, "other", true), `{"disabled_message":"other"}`},
		{"enable", puppet.AgentConfig{Action: "enable", Lockfile: lock}, steps.Change, agentOut(false, "", true), ""},
		{"enable again", puppet.AgentConfig{Action: "enable", Lockfile: lock}, steps.NoOp, agentOut(false, "", false), ""},
	}
	for _, st := range sequence {
		t.Run(st.name, func(t *testing.T) {
			plan, apply, err := agentStep(t, &st.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]any{st.wantPlan, st.wantOut, st.wantPlan == steps.Change}, []any{plan.Action, apply.Output, apply.Changed}, ctyCmp); diff != "" {
				t.Errorf("plan action, output, changed (-want +got):\n%s", diff)
			}
			b, err := os.ReadFile(lock)
			if got := string(b); (err == nil) != (st.wantFile != "") || got != st.wantFile {
				t.Errorf("lock file %q (%v), want %q", got, err, st.wantFile)
			}
		})
	}
}

func TestPlanPreviews(t *testing.T) {
	lock := filepath.Join(t.TempDir(), "agent_disabled.lock")
	if err := os.WriteFile(lock, []byte(`{"disabled_message":"by hand"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		cfg         puppet.AgentConfig
		wantCommand string
		wantChange  string
	}{
		{puppet.AgentConfig{Action: "enable", Lockfile: lock}, "rm -f -- " + lock, `agent disabled (reason "by hand") -> enabled`},
		{puppet.AgentConfig{Action: "run", Lockfile: lock}, "puppet agent --test --color=false --detailed-exitcodes", `warning: the agent is disabled (reason "by hand"); ` + "`puppet agent` will skip the run"},
	} {
		plan, err := puppet.Agent{}.Plan(context.Background(), steps.PlanRequest{Config: &tt.cfg, Host: local.Host{}})
		if err != nil {
			t.Fatal(err)
		}
		got := []any{plan.Action, plan.Preview.Command, strings.Join(plan.Preview.Changes, "\n")}
		if diff := cmp.Diff([]any{steps.Change, tt.wantCommand, tt.wantChange}, got); diff != "" {
			t.Errorf("%s: (-want +got):\n%s", tt.cfg.Action, diff)
		}
	}
}

// TestAgentDecodeConfig: the arguments as a runbook gives them, decoded
// and validated as the engine does.
func TestAgentDecodeConfig(t *testing.T) {
	refused := func(msg string) []string { return []string{"1:1: Invalid step argument; puppet_agent: " + msg} }
	stepstest.DecodeTable(t, []stepstest.DecodeCase{
		{Name: "disable", Type: puppet.Agent{},
			Src:  "action = \"disable\"\nreason = \"ops: etcd repair, until 18:00\"\ncommand = \"/opt/puppetlabs/bin/puppet\"\nlockfile = \"/var/lib/puppet/state/lock\"\n",
			Want: &puppet.AgentConfig{Action: "disable", Reason: "ops: etcd repair, until 18:00", Command: "/opt/puppetlabs/bin/puppet", Lockfile: "/var/lib/puppet/state/lock"}},
		{Name: "action is required", Type: puppet.Agent{}, Src: `reason = "x"`,
			WantDiags: []string{`1:1: Missing required argument; The argument "action" is required`}},
		{Name: "disable without reason", Type: puppet.Agent{}, Src: `action = "disable"`,
			WantDiags: refused("disable needs a reason (who, why, until when), shown to anyone who runs puppet meanwhile")},
		{Name: "unknown action", Type: puppet.Agent{}, Src: `action = "pause"`,
			WantDiags: refused(`unknown action "pause": want disable, enable or run`)},
		{Name: "reason for enable", Type: puppet.Agent{}, Src: "action = \"enable\"\nreason = \"x\"\n",
			WantDiags: refused(`reason is only for action = "disable"`)},
		{Name: "relative lockfile", Type: puppet.Agent{}, Src: "action = \"enable\"\nlockfile = \"state/lock\"\n",
			WantDiags: refused(`lockfile "state/lock" is not an absolute path`)},
	}, stepstest.ConfigRefusals)
}
