package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/runbooks"
	"github.com/zclconf/go-cty/cty"
)

// The reproduction of issue 7.1: a harmless repair, then one whose
// argument its step type refuses. Before, validate said valid and apply
// ran the first repair before failing on the second.
const firstThenBadPath = `
variable "second" {
  type    = string
  default = "relative/path"
}

repair "write" "first" {
  on      = ["a"]
  path    = "%DIR%/first"
  content = "changed"
}

repair "write" "second" {
  on      = ["a"]
  path    = var.second
  content = "x"
}

repair "write" "third" {
  on      = ["a"]
  path    = "also/relative"
  content = "${repair.write.first.sha256}"
}
`

func TestStepConfigCheckedBeforeAnythingRuns(t *testing.T) {
	dir := t.TempDir()
	rb, diags := runbooks.Load(filepath.Join(dir, "rb.mend.hcl"), []byte(strings.ReplaceAll(firstThenBadPath, "%DIR%", dir)))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	inv, _ := runbooks.LoadInventory("inventory.mend.hcl", []byte(testInventory))
	vars, _ := rb.EvalVariables(nil, nil)
	req := engine.Request{Runbook: rb, Inventory: inv, Vars: vars}
	diags = engine.Validate(req.Runbook, testRegistry())
	var got []string
	for _, d := range diags {
		got = append(got, d.Summary+" at line "+strconv.Itoa(d.Subject.Start.Line)+": "+d.Detail)
	}
	// Both refused arguments, each at its own line, in one run: the
	// variable's default and the constant. The third's content is only
	// known at run time, which does not stop its path being checked.
	if len(got) != 2 || !strings.Contains(got[0], "line 15") || !strings.Contains(got[0], `got "relative/path"`) ||
		!strings.Contains(got[1], "line 21") || !strings.Contains(got[1], `got "also/relative"`) {
		t.Fatalf("Validate = %q", got)
	}
	if d := diags[0]; d.Subject.Start.Column != 13 {
		t.Errorf("subject at column %d, want 13 (the value of path)", d.Subject.Start.Column)
	}
	// With a good value given for the variable, only the constant is left.
	req.Vars["second"] = cty.StringVal("/abs")
	if diags := engine.Preflight(req, testRegistry(), engine.PreflightOptions{}); len(diags) != 1 || diags[0].Subject.Start.Line != 21 {
		t.Errorf("Preflight = %v, want only line 21", diags)
	}
	// Apply refuses the runbook before the first repair touches the host.
	run, err := newEngine(&memAudit{}).Apply(context.Background(), req)
	if err == nil || !strings.Contains(err.Error(), "path must be absolute") {
		t.Fatalf("Apply error = %v, run = %+v", err, run)
	}
	if _, err := os.Stat(filepath.Join(dir, "first")); !os.IsNotExist(err) {
		t.Errorf("the first repair ran: %v", err)
	}
}
