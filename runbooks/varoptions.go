package runbooks

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// EvalVarOptions is EvalVariables from the command line's options: opts
// are -var NAME=VALUE options (one not of that form is an error naming
// it), files the -var-file files. Values given for variables the runbook
// does not declare are one warning, whose detail counts the others, as
// Terraform does: a shared var file (the lab's) legitimately holds values
// other runbooks use.
func (rb *Runbook) EvalVarOptions(opts, files []string) (map[string]cty.Value, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	raw := map[string]string{}
	for _, kv := range opts {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid -var option",
				Detail: fmt.Sprintf("The option -var %q is not of the form NAME=VALUE.", kv)})
			continue
		}
		raw[k] = v
	}
	vars, vdiags := rb.EvalVariables(raw, files)
	return vars, append(diags, collapseUndeclared(vdiags)...)
}

// collapseUndeclared keeps the first "Value for undeclared variable"
// warning and folds the others into its detail.
func collapseUndeclared(diags hcl.Diagnostics) hcl.Diagnostics {
	var out hcl.Diagnostics
	var first *hcl.Diagnostic
	others := 0
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
		others++
	}
	if others > 0 {
		first.Detail += fmt.Sprintf(" %d more values in the same files are for variables this runbook does not declare either.", others)
	}
	return out
}
