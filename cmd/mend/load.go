package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps/builtin"
)

// load reads the runbook, the inventory and the variables; every problem
// comes back as a diagnostic.
func (a *app) load(o runOptions, path string) (engine.Request, map[string]*hcl.File, hcl.Diagnostics) {
	var req engine.Request
	rb, diags := runbooks.LoadFile(path)
	if rb != nil {
		diags = append(diags, engine.Validate(rb, builtin.Registry())...)
	}
	if rb == nil || diags.HasErrors() {
		var files map[string]*hcl.File
		if rb != nil {
			files = rb.Files
		}
		return req, files, diags
	}
	req.Runbook = rb
	raw := map[string]string{}
	for _, kv := range o.vars {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid -var option",
				Detail: fmt.Sprintf("The option -var %q is not of the form NAME=VALUE.", kv)})
			continue
		}
		raw[k] = v
	}
	vars, vdiags := rb.EvalVariables(raw, o.varFiles) // adds the var files to rb.Files
	diags = append(diags, collapseUndeclared(vdiags)...)
	req.Vars = vars
	files := rb.Files
	if o.inventory != "" {
		inv, idiags := runbooks.LoadInventoryFile(o.inventory)
		diags = append(diags, idiags...)
		if inv != nil {
			files = mergeFiles(files, inv.Files)
			req.Inventory = inv
		}
	}
	return req, files, diags
}

// collapseUndeclared keeps the first "Value for undeclared variable"
// warning and folds the others into its detail, as Terraform does: a
// shared var file (the lab's) legitimately holds values other runbooks use.
func collapseUndeclared(diags hcl.Diagnostics) hcl.Diagnostics {
	var out hcl.Diagnostics
	var first *hcl.Diagnostic
	var others []string
	for _, d := range diags {
		if d.Severity != hcl.DiagWarning || d.Summary != "Value for undeclared variable" {
			out = append(out, d)
			continue
		}
		if first == nil {
			c := *d
			first = &c
			out = append(out, first)
			continue
		}
		others = append(others, d.Detail)
	}
	if len(others) > 0 {
		first.Detail += fmt.Sprintf(" %d more values in the same files are for variables this runbook does not declare either.", len(others))
	}
	return out
}

// checkApprovals refuses --approve addresses that name no gated repair, so
// a typo cannot silently leave a gate closed (or look approved).
func checkApprovals(rb *runbooks.Runbook, approve []string) error {
	for _, addr := range approve {
		if st := rb.Step(addr); st == nil || st.Approval == nil {
			return fmt.Errorf("--approve %s: no repair with an approval block has that address; gated repairs: %s",
				addr, strings.Join(gatedRepairs(rb), ", "))
		}
	}
	return nil
}

// gatedRepairs lists the addresses of the repairs with an approval block,
// in source order.
func gatedRepairs(rb *runbooks.Runbook) []string {
	var out []string
	for _, st := range rb.Steps {
		if st.Approval != nil {
			out = append(out, st.Address())
		}
	}
	return out
}

// reportRecovered says what audit.BeginRun found left by earlier runs:
// intents of runs that died mid-step (their outcome is unknown and a human
// must look; the log now records who noticed) and what it put right.
func (a *app) reportRecovered(run *audit.Run) {
	for _, n := range run.Notices {
		fmt.Fprintf(a.stderr, "Note: %s.\n", n)
	}
	for _, r := range run.Recovered {
		fmt.Fprintf(a.stderr, "Warning: run %s started %s on %s at %s and never recorded an outcome: outcome unknown; check the host.\n",
			r.RunID, r.Step, r.Host, r.Time.Format(time.RFC3339))
	}
}

// auditPath is the --audit-log flag, or the documented default.
func auditPath(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	return audit.DefaultPath()
}
