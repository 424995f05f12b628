package engine

import (
	"fmt"
	"strings"
	"time"

	"github.com/mend-sh/mend/steps"

	"github.com/hashicorp/hcl/v2"
	"github.com/mend-sh/mend/runbooks"
	"github.com/zclconf/go-cty/cty"
)

// PreflightOptions say what a preflight checks besides the runbook.
type PreflightOptions struct {
	// Approve lists the --approve addresses: each must name a repair with
	// an approval block.
	Approve []string
	// InventoryOptional: without an inventory (validate without -i) the
	// targets of steps are not checked, instead of being an error.
	InventoryOptional bool
}

// Preflight is everything checked before a run, in one place: Validate
// with the run's variable values and inventory, so that every step type's
// checks run on every argument known before the run; the targets of
// every `on` known before the run; the --approve addresses; and a warning
// for each sensitive variable too short to be redacted. The CLI runs it
// before plan and apply, and in validate (with -var, -var-file and -i).
// req.Vars must hold every declared variable (EvalVariables gives unknown
// values for those without one).
func Preflight(req Request, reg *steps.Registry, o PreflightOptions) hcl.Diagnostics {
	diags := validate(req.Runbook, reg, req.Vars, req.Inventory)
	if diags.HasErrors() {
		return diags // targets and references of a broken runbook would mostly be noise
	}
	diags = append(diags, checkTargets(req, req.Inventory != nil || !o.InventoryOptional)...)
	diags = append(diags, checkApprovals(req.Runbook, o.Approve)...)
	return append(diags, shortSecrets(req.Runbook, req.Vars)...)
}

// checkTargets resolves, before anything runs, every `on` that depends
// only on variables, against the inventory: a host or group name that does
// not exist is reported on its line, with a suggestion, instead of failing
// the run halfway, after earlier repairs already changed hosts. An `on`
// that refers to step results is checked when the step runs. With those
// targets known, a reference that reads an output attribute directly on a
// step that targets several hosts is reported too (singleHostRefs).
// The meta-arguments that take values (timeout, approval reason) are bound
// first; withHosts false checks only those.
func checkTargets(req Request, withHosts bool) hcl.Diagnostics {
	var diags hcl.Diagnostics
	targetsOf := map[string][]string{}
	sc := newScope(req.Runbook.Dir(), req.Vars, req.Inventory, time.Time{})
	sc.locals = req.Runbook.Locals
	redact := newRedactor(req.Vars)
	ctx := sc.evalContext(nil, cty.NilVal)
	diags = append(diags, req.Runbook.BindKnownMeta(sc.markedContext(nil, cty.NilVal))...)
	if !withHosts {
		return diags // validate without -i: meta-arguments only
	}
	// One wrong -var can break many steps' targets: report each problem
	// once, at its first step, and count the others.
	first := map[string]*hcl.Diagnostic{}
	others := map[string][]string{}
	for _, st := range req.Runbook.Steps {
		on := st.On
		if on == nil && st.Stage != nil && !st.Between {
			on = st.Stage.On // a stage's step runs on the stage's hosts
		}
		if on == nil || !onlyVariables(on) {
			continue
		}
		names, known, err := evalTargets(on, ctx)
		if err == nil && !known {
			continue
		}
		if err == nil {
			if req.Inventory == nil {
				err = fmt.Errorf("this step runs on hosts, but no inventory was given (-i)")
			} else {
				var hosts []*runbooks.InventoryHost
				hosts, err = req.Inventory.Resolve(names)
				targetsOf[st.Address()] = hostNames(hosts)
			}
		}
		if err != nil {
			redact.harvest(nil, sc.markedContext(nil, cty.NilVal), on)
			msg := redact.String(withoutSource(err).Error())
			if first[msg] != nil {
				others[msg] = append(others[msg], st.Address())
				continue
			}
			first[msg] = &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unknown target host",
				Detail:   fmt.Sprintf("%s cannot run: %s.", st.Address(), msg),
				Subject:  on.Range().Ptr(),
			}
			diags = append(diags, first[msg])
		}
	}
	for msg, d := range first {
		if n := len(others[msg]); n > 0 {
			d.Detail += fmt.Sprintf(" The same goes for %d later steps (%s).", n, strings.Join(others[msg], ", "))
		}
	}
	for _, st := range req.Runbook.Steps {
		diags = append(diags, singleHostRefs(stepTraversals(st), targetsOf)...)
	}
	for _, l := range req.Runbook.Locals {
		diags = append(diags, singleHostRefs(l.Expr.Variables(), targetsOf)...)
	}
	return diags
}

// onlyVariables reports whether expr refers to nothing but var.* and
// inventory.*, which are known before anything runs.
func onlyVariables(expr hcl.Expression) bool {
	for _, tr := range expr.Variables() {
		if tr.RootName() != "var" && tr.RootName() != "inventory" {
			return false
		}
	}
	return true
}

// checkApprovals refuses --approve addresses that name no gated repair,
// so a typo cannot silently leave a gate closed (or look approved).
func checkApprovals(rb *runbooks.Runbook, approve []string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, addr := range approve {
		if a, err := runbooks.ParseAddr(addr); err == nil {
			st := rb.Step(a.Block())
			if st != nil && st.Approval != nil && (!a.HasKey || st.ForEach != nil) {
				continue
			}
		}
		var gated []string
		for _, st := range rb.Steps {
			if st.Approval != nil {
				gated = append(gated, st.Address())
			}
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unknown --approve address",
			Detail: fmt.Sprintf("--approve %s: no repair with an approval block has that address; gated repairs: %s. "+
				"An instance of a repair with for_each is approved by its address with the key, repair.TYPE.NAME[\"KEY\"], or all its instances by the block's address.",
				addr, strings.Join(gated, ", ")),
		})
	}
	return diags
}

// shortSecrets warns about the sensitive variables whose values are too
// short to be redacted by value (fewer than 4 characters, or a number of
// fewer than 6 digits): they may show in output.
func shortSecrets(rb *runbooks.Runbook, vars map[string]cty.Value) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, name := range newRedactor(vars).ShortSecrets() {
		d := &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "Secret too short to redact",
			Detail: fmt.Sprintf("var.%s is sensitive but too short to redact by value (under 4 characters, or a number under 6 digits): "+
				"it may show in output and in the audit log.", name),
		}
		if v := rb.Variable(name); v != nil {
			d.Subject = v.DeclRange.Ptr()
		}
		diags = append(diags, d)
	}
	return diags
}
