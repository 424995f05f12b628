package engine

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/mend-sh/mend/runbooks"
	"github.com/zclconf/go-cty/cty"
)

// CheckTargets resolves, before anything runs, every `on` that depends
// only on variables, against the inventory: a host or group name that does
// not exist is reported on its line, with a suggestion, instead of failing
// the run halfway, after earlier repairs already changed hosts. An `on`
// that refers to step results is checked when the step runs. With those
// targets known, a reference that reads an output attribute directly on a
// step that targets several hosts is reported too (singleHostRefs). The
// CLI calls it in validate (with -i) and before Plan and Apply.
func CheckTargets(req Request) hcl.Diagnostics {
	var diags hcl.Diagnostics
	targetsOf := map[string][]string{}
	sc := newScope(req.Vars, req.Inventory, time.Time{})
	sc.locals = req.Runbook.Locals
	redact := newRedactor(req.Vars)
	ctx := sc.evalContext(nil, cty.NilVal)
	diags = append(diags, req.Runbook.BindMeta(sc.markedContext(nil, cty.NilVal))...)
	// One wrong -var can break many steps' targets: report each problem
	// once, at its first step, and count the others.
	first := map[string]*hcl.Diagnostic{}
	others := map[string][]string{}
	for _, st := range req.Runbook.Steps {
		if st.On == nil || !onlyVariables(st.On) {
			continue
		}
		names, known, err := evalTargets(st.On, ctx)
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
			redact.harvest(nil, sc.markedContext(nil, cty.NilVal), st.On)
			msg := trimRange(redact.String(err.Error()), st.On.Range())
			if first[msg] != nil {
				others[msg] = append(others[msg], st.Address())
				continue
			}
			first[msg] = &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unknown target host",
				Detail:   fmt.Sprintf("%s cannot run: %s.", st.Address(), msg),
				Subject:  st.On.Range().Ptr(),
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

// trimRange drops a leading "file:line,col-col: " that evalTargets puts
// in front of its messages; the diagnostic carries the range itself.
func trimRange(msg string, r hcl.Range) string {
	prefix := r.String() + ": "
	if len(msg) > len(prefix) && msg[:len(prefix)] == prefix {
		return msg[len(prefix):]
	}
	return msg
}

// UnredactableSecrets names the sensitive variables whose values are too
// short to be redacted by value (fewer than 4 characters, or a number of
// fewer than 6 digits): the CLI warns that they may show in output.
func UnredactableSecrets(vars map[string]cty.Value) []string {
	return newRedactor(vars).ShortSecrets()
}
