package runbooks

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// checkForEach checks a step's for_each: its references (it cannot use
// host, each or self, which depend on the instance), that a repair's does
// not use a repair's result (known only at apply, while a repair's
// instances must be known to be previewed and approved), its type, and,
// when the validator can know it, its value (ForEachInstances: null,
// sensitive keys, repeated keys).
func (c *checker) checkForEach(i int, s *Step) {
	sc := exprScope{step: s, index: i, inForEach: true}
	if !c.checkRefs(s.ForEach, sc) {
		return
	}
	if s.Phase == Repair {
		for _, tr := range c.stepRefs(s.ForEach) {
			if tr.RootName() == "repair" {
				c.diags = append(c.diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid for_each argument",
					Detail: fmt.Sprintf("A repair's instances must be known when the plan is made, so that each can be previewed and approved, "+
						"but this for_each uses %s, a repair's result known only at apply. Use diagnoses, variables, locals of those or the inventory.",
						tr.RootName()+"."+traversalTail(tr)),
					Subject: s.ForEach.Range().Ptr(),
				})
				return
			}
		}
	}
	val, diags := s.ForEach.Value(c.markedContext(sc))
	addAttributesHints(diags)
	c.diags = append(c.diags, diags...)
	if diags.HasErrors() {
		return
	}
	_, known, d := ForEachInstances(val, s.ForEach.Range())
	c.diags = append(c.diags, d...)
	if known || d.HasErrors() {
		return
	}
	if problem := forEachTypeProblem(val.Type()); problem != "" {
		c.diags = append(c.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid for_each argument", Detail: problem, Subject: s.ForEach.Range().Ptr()})
	}
}

// stepRefs returns the references to step results expr makes, directly
// or through locals.
func (c *checker) stepRefs(expr hcl.Expression) []hcl.Traversal {
	var out []hcl.Traversal
	for _, tr := range expr.Variables() {
		switch tr.RootName() {
		case "diagnose", "repair":
			out = append(out, tr)
		case "local":
			if n, ok := attrName(tr, 1); ok {
				out = append(out, c.localSteps(n, map[string]bool{})...)
			}
		}
	}
	return out
}

// markedContext is the validation scope with sensitive variables marked,
// and locals evaluated again from them, so that a value derived from a
// secret shows it (for_each keys must not be).
func (c *checker) markedContext(sc exprScope) *hcl.EvalContext {
	ctx := c.evalContext(sc)
	vars := map[string]cty.Value{}
	for name, v := range c.vars {
		val := cty.UnknownVal(v.Type)
		if v.Sensitive {
			val = val.Mark(SensitiveMark)
		}
		vars[name] = val
	}
	ctx.Variables["var"] = cty.ObjectVal(vars)
	locals := map[string]cty.Value{}
	for name, v := range c.localVals {
		locals[name] = v
	}
	for _, l := range c.rb.Locals {
		ctx.Variables["local"] = cty.ObjectVal(locals)
		if v, d := l.Expr.Value(ctx); !d.HasErrors() {
			locals[l.Name] = v
		}
	}
	ctx.Variables["local"] = cty.ObjectVal(locals)
	return ctx
}
