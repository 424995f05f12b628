package engine

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// diagErr turns diagnostics into an error that names file:line, so a runtime
// failure points back at the runbook like a validate error does.
func diagErr(diags hcl.Diagnostics) error {
	if errs := diags.Errs(); len(errs) == 1 {
		for _, d := range diags {
			if d.Severity == hcl.DiagError && d.Subject != nil {
				msg := d.Summary
				if d.Detail != "" {
					msg += ": " + d.Detail
				}
				return sourceErrorf(steps.ClassConfig, *d.Subject, "%s", msg)
			}
		}
	}
	var parts []string
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		if hint := runbooks.AttributesHint(d); hint != "" {
			msg += " " + hint
		}
		if d.Subject != nil {
			msg = fmt.Sprintf("%s: %s", d.Subject.String(), msg)
		}
		parts = append(parts, msg)
	}
	if len(parts) == 0 {
		return nil
	}
	return steps.Errorf(steps.ClassConfig, "%s", strings.Join(parts, "; "))
}

// evalBool evaluates a condition. known is false when the value depends on
// something only known at apply.
func evalBool(expr hcl.Expression, ctx *hcl.EvalContext) (value, known bool, err error) {
	v, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return false, false, diagErr(diags)
	}
	v, _ = v.UnmarkDeep()
	if !v.IsKnown() {
		return false, false, nil
	}
	if v.IsNull() {
		return false, false, sourceErrorf(steps.ClassConfig, expr.Range(), "condition is null")
	}
	b, cerr := convert.Convert(v, cty.Bool)
	if cerr != nil {
		return false, false, sourceErrorf(steps.ClassConfig, expr.Range(), "condition must be a bool: %v", cerr)
	}
	return b.True(), true, nil
}

// evalTargets evaluates `on` to host names. known is false when they depend
// on something only known at apply.
func evalTargets(expr hcl.Expression, ctx *hcl.EvalContext) (names []string, known bool, err error) {
	v, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return nil, false, diagErr(diags)
	}
	v, _ = v.UnmarkDeep()
	if !v.IsWhollyKnown() {
		return nil, false, nil
	}
	if v.Type() == cty.String {
		return []string{v.AsString()}, true, nil
	}
	l, cerr := convert.Convert(v, cty.List(cty.String))
	if cerr != nil || l.IsNull() {
		return nil, false, sourceErrorf(steps.ClassConfig, expr.Range(), "on must be a host or group name, or a list of them")
	}
	for it := l.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() {
			return nil, false, sourceErrorf(steps.ClassConfig, expr.Range(), "on contains a null host name")
		}
		names = append(names, e.AsString())
	}
	return names, true, nil
}

// decodeConfig decodes a step's own arguments. known is false when an
// argument depends on something only known at apply; the config is then nil.
func decodeConfig(st *runbooks.Step, typ steps.Type, ctx *hcl.EvalContext) (cfg any, known bool, err error) {
	cfg = typ.NewConfig()
	schema, _ := impliedSchema(reflect.TypeOf(cfg).Elem())
	content, _, _ := st.Config.PartialContent(schema)
	for _, attr := range content.Attributes {
		if deferred(typ, attr.Name) {
			continue // kept unevaluated for the step (e.g. wait_until's until)
		}
		v, diags := attr.Expr.Value(ctx)
		if !diags.HasErrors() && !v.IsWhollyKnown() {
			return nil, false, nil
		}
	}
	if diags := gohcl.DecodeBody(st.Config, ctx, cfg); diags.HasErrors() {
		return nil, false, diagErr(diags)
	}
	setRunbookDir(st, cfg)
	if v, ok := typ.(steps.Validator); ok {
		if verr := v.ValidateConfig(cfg); verr != nil {
			return nil, false, argError(st, verr)
		}
	}
	return cfg, true, nil
}

// evaluator implements steps.Evaluator for one step on one host.
type evaluator struct {
	scope *scope
	host  *runbooks.InventoryHost
}

func (e evaluator) DecodeBody(body hcl.Body, self cty.Value, into any) hcl.Diagnostics {
	return gohcl.DecodeBody(body, e.scope.evalContext(e.host, self), into)
}

func (e evaluator) EvalCondition(expr hcl.Expression, self cty.Value) (bool, hcl.Diagnostics) {
	b, known, err := evalBool(expr, e.scope.evalContext(e.host, self))
	if err != nil {
		return false, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid condition", Detail: err.Error(), Subject: expr.Range().Ptr()}}
	}
	if !known {
		return false, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unknown condition", Detail: "The condition depends on a value that is not known yet.", Subject: expr.Range().Ptr()}}
	}
	return b, nil
}

// sourceText returns the runbook text of an expression, for reasons like
// "when = !diagnose.x.same is false".
func sourceText(rb *runbooks.Runbook, r hcl.Range) string {
	if r.Filename != rb.Filename || r.End.Byte > len(rb.Source) || r.Start.Byte > r.End.Byte {
		return ""
	}
	return string(rb.Source[r.Start.Byte:r.End.Byte])
}

// setRunbookDir tells a config that names local files (steps.LocalFileConfig)
// the directory of the runbook that declares the step.
func setRunbookDir(st *runbooks.Step, cfg any) {
	if c, ok := cfg.(steps.LocalFileConfig); ok {
		c.SetRunbookDir(filepath.Dir(st.DeclRange.Filename))
	}
}
