package engine

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// checkConfigs runs, before anything runs, every step type's own checks
// (decoding and steps.Validator) on each step's arguments whose values
// are known then: constants, variables, the inventory. Step results and
// host are unknown. An argument whose value is unknown is left out, and
// the step type's verdict is reported only where it cannot depend on what
// was left out: an error naming a known argument (steps.ArgError), or any
// error when every argument was known. Each problem is a diagnostic at the
// argument's own range (the block's when the step type does not say).
// vars nil means no values were given: variables with a default have it,
// the others are unknown.
func checkConfigs(rb *runbooks.Runbook, reg *steps.Registry, vars map[string]cty.Value, inv *runbooks.Inventory) hcl.Diagnostics {
	ctx := preflightContext(rb, vars, inv)
	var diags hcl.Diagnostics
	for _, st := range rb.Steps {
		t := stepType(reg, st)
		if t == nil {
			continue
		}
		if _, err := configSchema(t); err != nil {
			continue // reported as a broken definition
		}
		diags = append(diags, checkStepConfig(st, t, ctx, vars != nil)...)
	}
	return diags
}

// preflightContext is the scope of arguments before a run: var (given or
// default values, else unknown), inventory (unknown without one), and
// step results and host as unknowns.
func preflightContext(rb *runbooks.Runbook, vars map[string]cty.Value, inv *runbooks.Inventory) *hcl.EvalContext {
	vals := map[string]cty.Value{}
	for _, v := range rb.Variables {
		switch given, ok := vars[v.Name]; {
		case ok && given != cty.NilVal:
			vals[v.Name], _ = given.UnmarkDeep()
		case vars == nil && !v.Required():
			vals[v.Name], _ = v.Default.UnmarkDeep()
		default:
			vals[v.Name] = cty.UnknownVal(v.Type)
		}
	}
	inventory := cty.UnknownVal(runbooks.InventoryValueType())
	if inv != nil {
		inventory = runbooks.InventoryValue(inv)
	}
	return &hcl.EvalContext{
		Variables: map[string]cty.Value{
			"var":       cty.ObjectVal(vals),
			"inventory": inventory,
			"diagnose":  cty.DynamicVal,
			"repair":    cty.DynamicVal,
			"host":      cty.DynamicVal,
		},
		Functions: runbooks.Functions(rb.Dir()),
	}
}

// checkStepConfig checks one step's arguments (see checkConfigs).
// withVars says variables have their real values, which the language's
// type check (done with unknowns of the declared types) has not seen:
// decoding errors of arguments that use them are reported too.
func checkStepConfig(st *runbooks.Step, t steps.Type, ctx *hcl.EvalContext, withVars bool) hcl.Diagnostics {
	attrs, ok := st.Config.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	known := map[string]*hclsyntax.Attribute{}
	var hide []hcl.AttributeSchema
	for name, attr := range attrs.Attributes {
		if isMeta(name) || deferred(t, name) {
			continue
		}
		v, d := attr.Expr.Value(ctx)
		if d.HasErrors() || !v.IsWhollyKnown() {
			hide = append(hide, hcl.AttributeSchema{Name: name})
			continue
		}
		known[name] = attr
	}
	if !blocksKnown(attrs.Blocks, ctx) {
		return nil // rare: a nested block's value is not known yet; checked at run time
	}
	body := st.Config
	if len(hide) > 0 {
		_, body, _ = st.Config.PartialContent(&hcl.BodySchema{Attributes: hide})
	}
	cfg := t.NewConfig()
	var diags hcl.Diagnostics
	d := dropMissing(gohcl.DecodeBody(body, ctx, cfg), hide)
	if d.HasErrors() {
		if withVars {
			diags = append(diags, decodeErrorsOfVars(d, known)...)
		}
		return diags
	}
	setRunbookDir(st, cfg)
	v, ok := t.(steps.Validator)
	if !ok {
		return nil
	}
	err := v.ValidateConfig(cfg)
	if err == nil {
		return nil
	}
	var ae *steps.ArgError
	switch {
	case errors.As(err, &ae) && known[ae.Attr] != nil:
		return hcl.Diagnostics{configDiag(st, err, known[ae.Attr].Expr.Range())}
	case len(hide) == 0:
		return hcl.Diagnostics{configDiag(st, err, st.DeclRange)}
	}
	return nil
}

// dropMissing drops the "missing argument" errors about the arguments
// left out because their values are unknown.
func dropMissing(diags hcl.Diagnostics, hidden []hcl.AttributeSchema) hcl.Diagnostics {
	var out hcl.Diagnostics
	for _, d := range diags {
		missing := false
		for _, h := range hidden {
			if d.Summary == "Missing required argument" && strings.Contains(d.Detail, fmt.Sprintf("%q", h.Name)) {
				missing = true
			}
		}
		if !missing {
			out = append(out, d)
		}
	}
	return out
}

// configDiag is a step type's verdict on its arguments as a diagnostic.
func configDiag(st *runbooks.Step, err error, at hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid step argument",
		Detail:   "The " + st.Type + " step type refuses this: " + sentence(err.Error()),
		Subject:  at.Ptr(),
	}
}

// decodeErrorsOfVars keeps the decoding errors about arguments that use
// variables: the language checked every argument's type with variables
// unknown, so only those can be new.
func decodeErrorsOfVars(diags hcl.Diagnostics, known map[string]*hclsyntax.Attribute) hcl.Diagnostics {
	var out hcl.Diagnostics
	for _, d := range diags {
		if d.Severity != hcl.DiagError || d.Subject == nil {
			continue
		}
		for _, attr := range known {
			if rangeWithin(*d.Subject, attr.SrcRange) && usesVar(attr.Expr) {
				out = append(out, d)
				break
			}
		}
	}
	return out
}

func rangeWithin(inner, outer hcl.Range) bool {
	return inner.Filename == outer.Filename && inner.Start.Byte >= outer.Start.Byte && inner.End.Byte <= outer.End.Byte
}

func usesVar(expr hcl.Expression) bool {
	for _, tr := range expr.Variables() {
		if tr.RootName() == "var" {
			return true
		}
	}
	return false
}

// blocksKnown reports whether every argument in nested blocks is known.
func blocksKnown(blocks hclsyntax.Blocks, ctx *hcl.EvalContext) bool {
	for _, b := range blocks {
		if isMeta(b.Type) {
			continue
		}
		for _, attr := range b.Body.Attributes {
			if v, d := attr.Expr.Value(ctx); d.HasErrors() || !v.IsWhollyKnown() {
				return false
			}
		}
		if !blocksKnown(b.Body.Blocks, ctx) {
			return false
		}
	}
	return true
}

func isMeta(name string) bool {
	for _, m := range runbooks.MetaArgumentNames() {
		if m == name {
			return true
		}
	}
	return false
}

// sentence makes an error message end like a sentence.
func sentence(s string) string {
	if s == "" {
		return s
	}
	switch s[len(s)-1] {
	case '.', '?', '!':
		return s
	}
	return s + "."
}
