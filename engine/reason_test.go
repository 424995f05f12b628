package engine_test

import (
	"context"
	"strings"
	"testing"
)

const reasonRunbook = `
variable "ticket" {
  type = string
}

diagnose "sh" "current" {
  on      = ["a"]
  command = "echo v1"
}

repair "danger_write" "install" {
  on      = ["a"]
  path    = "%DIR%/f"
  content = "v2"
  approval {
    reason = "${var.ticket}: replaces ${diagnose.sh.current.stdout} with v2"
  }
}
`

// An approval reason that uses step results is rendered with them at the
// gate, shown to the approver and written to the audit record.
func TestApprovalReasonFromStepResults(t *testing.T) {
	req, _ := setup(t, reasonRunbook, map[string]string{"ticket": "INC-7"})
	a := &memAudit{}
	g := &grant{allow: map[string]bool{"repair.danger_write.install": true}}
	req.Approver = g
	run, err := newEngine(a).Apply(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got := run.Steps[1].Approval; got != "INC-7: replaces v1 with v2" {
		t.Errorf("approval reason %q", got)
	}
	var found bool
	for _, r := range a.recs {
		if r.Detail["gate_reason"] == "INC-7: replaces v1 with v2" {
			found = true
		}
	}
	if !found {
		t.Errorf("no audit record has the rendered reason: %q", a.events())
	}
	if run.Failed() || !strings.Contains(strings.Join(statuses(run), " "), "install changed") {
		t.Errorf("statuses %q", statuses(run))
	}
}
