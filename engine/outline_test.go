package engine_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// TestNewOutline reads a runbook without running it: targets resolved
// where `on` is known (per instance with for_each), step results and
// unset variables as "known at run time", secrets never shown.
func TestNewOutline(t *testing.T) {
	req, _ := setup(t, `
runbook {
  title       = "T"
  description = "D"
}

variable "hosts" {
  type    = list(string)
  default = ["a", "b"]
}

variable "secret" {
  type      = string
  default   = "p4ssw0rd-long-enough"
  sensitive = true
}

variable "later" {
  type = string
}

# Look first.
diagnose "sh" "look" {
  on      = var.hosts
  command = "cat /etc/x"

  expect {
    condition = self.exit_code == 0
    message   = "x unreadable on ${host.name}"
  }
}

repair "write" "w" {
  on      = [diagnose.sh.look.hosts["a"].stdout]
  when    = diagnose.sh.look.exit_code == 0
  path    = "/etc/x"
  content = var.secret

  approval {
    reason        = "Writes x"
    required      = 2
    self_approval = false
  }
}

repair "danger_write" "each" {
  for_each = toset(var.hosts)
  on       = [each.key]
  path     = "/etc/${each.key}"
  content  = var.later
  timeout  = "5s"

  approval {
    reason = "Dangerous"
  }
}
`, map[string]string{"later": "x"})
	req.Vars["later"] = cty.UnknownVal(cty.String) // as for a variable not given: mend show goes on without it
	o := engine.NewOutline(req, testRegistry())
	if o.Title != "T" || o.Description != "D" || !o.Inventory {
		t.Errorf("header: %q %q %v", o.Title, o.Description, o.Inventory)
	}
	if diff := cmp.Diff([]engine.OutlineVariable{
		{Name: "hosts", Value: "a, b", Known: true},
		{Name: "secret", Value: "(sensitive)", Known: true, Sensitive: true},
		{Name: "later"},
	}, o.Variables); diff != "" {
		t.Errorf("variables (-want +got):\n%s", diff)
	}
	want := []*engine.OutlineStep{
		{Address: "diagnose.sh.look", Type: "sh", Phase: steps.Diagnose, Line: 23, Comment: "Look first.",
			Targets: engine.OutlineTargets{Expr: "var.hosts", Known: true, Hosts: []string{"a (local)", "b (local)"}},
			Does:    steps.Description{Summary: "command = cat /etc/x"},
			Expects: []engine.OutlineExpect{{Condition: "self.exit_code == 0", Message: "x unreadable on ${host.name}"}}},
		{Address: "repair.write.w", Type: "write", Phase: steps.Repair, Line: 33,
			Targets: engine.OutlineTargets{Expr: `[diagnose.sh.look.hosts["a"].stdout]`},
			When:    "diagnose.sh.look.exit_code == 0",
			Does:    steps.Description{Summary: "content = (sensitive); path = /etc/x"},
			Gate:    &engine.OutlineGate{Reason: "Writes x", Required: 2, NoSelfApproval: true}},
		{Address: "repair.danger_write.each", Type: "danger_write", Phase: steps.Repair, Line: 46,
			Targets: engine.OutlineTargets{Expr: "[each.key]", Known: true, Hosts: []string{"a (local)", "b (local)"}},
			ForEach: "a, b",
			Does:    steps.Description{Summary: `content = var.later (known at run time); path = "/etc/${each.key}" (known at run time)`},
			Gate:    &engine.OutlineGate{Reason: "Dangerous", Dangerous: true}, Settings: []string{"timeout 5s"}},
	}
	if diff := cmp.Diff(want, o.Steps); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
}
