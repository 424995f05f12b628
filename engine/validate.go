package engine

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Validate checks a loaded runbook against the step types of reg, before
// anything runs: the language's static checks with the step types'
// schemas (unknown types, references, types, each step's arguments; see
// runbooks.(*Runbook).Check), then what depends on a type's behaviour: a
// dangerous repair needs an approval block, a step type that runs on hosts
// needs `on`, a step type's own definition must be usable; and every step
// type's own checks (decoding, steps.Validator) on every argument whose
// value is known before the run: constants, variable defaults (see
// checkConfigs); and a warning for each value put unquoted into an
// argument that runs as shell code (checkShellCode). validate, plan and apply all run it (Preflight runs it
// with the run's variables); Plan and Apply refuse a runbook it finds
// errors in.
func Validate(rb *runbooks.Runbook, reg *steps.Registry) hcl.Diagnostics {
	return validate(rb, reg, nil, nil)
}

// validate is Validate with the run's variables and inventory (nil: not
// given).
func validate(rb *runbooks.Runbook, reg *steps.Registry, vars map[string]cty.Value, inv *runbooks.Inventory) hcl.Diagnostics {
	diags := rb.Check(registrySchemas{reg})
	for _, st := range rb.Steps {
		t := stepType(reg, st)
		if t == nil {
			continue // reported by Check
		}
		if _, err := configSchema(t); err != nil {
			diags = append(diags, badStepType(st, err.Error()))
		}
		diags = append(diags, checkGate(st, t)...)
		diags = append(diags, checkHosts(st, t)...)
	}
	if diags.HasErrors() {
		return diags // arguments of a runbook the language refuses would mostly repeat it
	}
	diags = append(diags, checkConfigs(rb, reg, vars, inv)...)
	return append(diags, checkShellCode(rb, reg)...)
}

// checkGate: a repair whose type is dangerous must have an approval block.
func checkGate(st *runbooks.Step, t steps.Type) hcl.Diagnostics {
	rp, ok := t.(steps.Repairer)
	if st.Phase != runbooks.Repair || !ok || !rp.Dangerous() || st.Approval != nil {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Missing approval gate",
		Detail: fmt.Sprintf("Repair type %q is dangerous: every use needs an approval block that says why it is safe here, "+
			"e.g. approval { reason = \"...\" }. Apply then stops and asks an operator before running it.", st.Type),
		Subject: st.DeclRange.Ptr(),
	}}
}

// checkHosts reports a step without `on` whose type needs a host: it
// would fail at run time otherwise, after earlier repairs already ran.
func checkHosts(st *runbooks.Step, t steps.Type) hcl.Diagnostics {
	if st.On != nil || (st.Stage != nil && !st.Between) {
		return nil // a stage's steps run on the stage's hosts
	}
	if h, ok := t.(steps.Hostless); ok && h.Hostless() {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Missing target hosts",
		Detail: fmt.Sprintf("A %s %q step runs on hosts. Add on = [\"HOST\"], a group name, or a variable holding them.",
			st.Phase, st.Type),
		Subject: st.DeclRange.Ptr(),
	}}
}

// badStepType reports a step type whose definition is broken: a bug in
// mend or a plugin, not in the runbook, but found here before anything
// runs.
func badStepType(st *runbooks.Step, problem string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid step type definition",
		Detail:   fmt.Sprintf("Step type %q cannot be used: %s. This is a bug in the step type, not in the runbook; please report it.", st.Type, problem),
		Subject:  st.TypeRange.Ptr(),
	}
}
