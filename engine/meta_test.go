package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/engine"
)

const metaRunbook = `
variable "ticket" {
  type = string
}

variable "t" {
  type = string
}

variable "token" {
  type      = string
  sensitive = true
}

locals {
  reason = "${var.ticket}: replaces the file"
}

diagnose "sh" "slow" {
  on         = ["a"]
  command    = "sleep 5"
  timeout    = var.t
  on_failure = "continue"
}

repair "danger_write" "install" {
  on      = ["a"]
  path    = "%DIR%/f"
  content = "x"
  approval {
    reason = local.reason
  }
}
`

// timeout and approval's reason from variables and locals take the run's
// values: the timeout cuts the step, the gate shows the reason.
func TestMetaArgumentsFromVariables(t *testing.T) {
	req, _ := setup(t, metaRunbook, map[string]string{"ticket": "INC-42", "t": "1s", "token": "s3cret-token"})
	if diags := engine.Preflight(req, testRegistry(), engine.PreflightOptions{}); diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	run, err := newEngine(&memAudit{}).Plan(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"diagnose.sh.slow failed", "repair.danger_write.install change"}, statuses(run)); d != "" {
		t.Fatalf("statuses (-want +got):\n%s", d)
	}
	if e := run.Steps[0].Hosts[0].Error; !strings.Contains(e, "timed out after 1s") {
		t.Errorf("error %q, want a 1s timeout", e)
	}
	if got := run.Steps[1].Approval; got != "INC-42: replaces the file" {
		t.Errorf("approval reason %q", got)
	}
}

// A sensitive value cannot be an approval reason (it is shown and audited).
func TestApprovalReasonRefusesSecrets(t *testing.T) {
	src := strings.Replace(metaRunbook, `reason = "${var.ticket}: replaces the file"`, `reason = "${var.ticket} ${var.token}"`, 1)
	req, _ := setup(t, src, map[string]string{"ticket": "INC-42", "t": "1s", "token": "s3cret-token"})
	diags := engine.Preflight(req, testRegistry(), engine.PreflightOptions{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "Sensitive value in approval reason") {
		t.Errorf("Preflight = %v, want a sensitive approval reason error", diags)
	}
	if _, err := newEngine(&memAudit{}).Plan(context.Background(), req); err == nil || !strings.Contains(err.Error(), "nothing was run") {
		t.Errorf("Plan error = %v, want the run refused", err)
	}
}
