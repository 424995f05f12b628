package runbooks

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// A meta-argument that must be known before anything runs (timeout,
// serial, retry's attempts and delay, approval's reason) may be a constant,
// decoded at load, or use variables, locals and the inventory: it is then
// kept as an expression and decoded by BindMeta when a run's values are
// known.

// lateMeta is one such meta-argument written with references.
type lateMeta struct {
	what string
	expr hcl.Expression
	ty   cty.Type
	// set decodes a static expression holding the value into the step,
	// with the same checks as a constant gets at load.
	set func(hcl.Expression) hcl.Diagnostics
}

// metaArg decodes expr with set now when it is a constant, else keeps it
// for BindMeta.
func (s *Step) metaArg(what string, expr hcl.Expression, ty cty.Type, set func(hcl.Expression) hcl.Diagnostics) hcl.Diagnostics {
	if len(expr.Variables()) == 0 {
		return set(expr)
	}
	s.late = append(s.late, lateMeta{what: what, expr: expr, ty: ty, set: set})
	return nil
}

// BindMeta evaluates, in ctx (var, local and inventory; no step results),
// every meta-argument written with references and stores its value in its
// step, as if it had been written as a constant. The engine calls it
// before a run starts, with that run's variables; a value that is not
// known or is sensitive where it would be printed (an approval reason) is
// an error.
func (rb *Runbook) BindMeta(ctx *hcl.EvalContext) hcl.Diagnostics {
	return rb.bindMeta(ctx, false)
}

// BindKnownMeta is BindMeta for a check before the run's values are all
// known (mend validate without -var for every variable): a meta-argument
// whose value is not known yet is left for BindMeta instead of being an
// error. Checks only ever allow variables, locals of variables and the
// inventory here, so an unknown value means a variable without a value
// (or timestamp(), unknown in validate), never a step result.
func (rb *Runbook) BindKnownMeta(ctx *hcl.EvalContext) hcl.Diagnostics {
	return rb.bindMeta(ctx, true)
}

func (rb *Runbook) bindMeta(ctx *hcl.EvalContext, partial bool) hcl.Diagnostics {
	var diags hcl.Diagnostics
	lates := make([][]lateMeta, 0, len(rb.Steps)+len(rb.Stages))
	for _, s := range rb.Steps {
		lates = append(lates, s.late)
	}
	for _, sg := range rb.Stages {
		lates = append(lates, sg.late)
	}
	for _, late := range lates {
		for _, m := range late {
			v, d := m.expr.Value(ctx)
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
			if !v.IsWhollyKnown() {
				if !partial {
					diags = append(diags, lateMetaError(m, "Value not known before the run",
						fmt.Sprintf("The %s must be known before anything runs, but its value is not known when the run starts. Use variables, locals of variables and the inventory here.", m.what)))
				}
				continue
			}
			if v.ContainsMarked() {
				if m.what == "approval reason" {
					diags = append(diags, lateMetaError(m, "Sensitive value in approval reason",
						"The approval reason is shown to the operator and written to the audit log, so it cannot use a sensitive value."))
					continue
				}
				v, _ = v.UnmarkDeep()
			}
			diags = append(diags, m.set(hcl.StaticExpr(v, m.expr.Range()))...)
		}
	}
	return diags
}

func lateMetaError(m lateMeta, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: m.expr.Range().Ptr()}
}

// checkLateMeta checks the meta-arguments kept for BindMeta: they may use
// only variables, locals that use no step result, and the inventory, and
// must have the right type.
func (c *checker) checkLateMeta(s *Step) {
	c.checkLate(s.late)
}

// checkLate checks meta-arguments kept for BindMeta (of a step or a stage).
func (c *checker) checkLate(late []lateMeta) {
	for _, m := range late {
		ok := true
		for _, tr := range m.expr.Variables() {
			switch root := tr.RootName(); root {
			case "var", "inventory":
			case "local":
				if name, isAttr := attrName(tr, 1); isAttr && len(c.localSteps(name, map[string]bool{})) > 0 {
					c.diags = append(c.diags, invalidRef(tr, fmt.Sprintf("The %s must be known before anything runs, but local.%s uses step results. Use variables, locals of variables and the inventory here.", m.what, name)))
					ok = false
				}
			default:
				c.diags = append(c.diags, invalidRef(tr, fmt.Sprintf("The %s must be known before anything runs, so it can use variables (var.<name>), locals and the inventory, not %s.", m.what, root)))
				ok = false
			}
		}
		if ok {
			c.checkExpr(m.expr, exprScope{}, m.ty, m.what)
		}
	}
}
