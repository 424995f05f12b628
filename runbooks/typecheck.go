package runbooks

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// evalContext is the validation scope for an expression: var, diagnose
// and repair always (so a bad reference already reported does not cascade),
// host and self as unknowns when sc puts them in scope.
func (c *checker) evalContext(sc exprScope) *hcl.EvalContext {
	vars := map[string]cty.Value{
		"var":       c.varsVal,
		"diagnose":  c.phaseVals["diagnose"],
		"repair":    c.phaseVals["repair"],
		"inventory": cty.UnknownVal(InventoryValueType()),
		"local":     cty.ObjectVal(c.localVals),
	}
	if sc.host {
		vars["host"] = cty.UnknownVal(HostValueType())
	}
	if sc.self != cty.NilType {
		vars["self"] = cty.UnknownVal(sc.self)
	}
	if sc.each {
		vars["each"] = eachValidationValue
	}
	return &hcl.EvalContext{Variables: vars, Functions: c.funcs}
}

// evalExpr checks expr's references and, when they are all valid,
// evaluates it in the validation scope. ok is false when anything was
// reported; val is then cty.NilVal.
func (c *checker) evalExpr(expr hcl.Expression, sc exprScope) (val cty.Value, ok bool) {
	if !c.checkRefs(expr, sc) {
		return cty.NilVal, false
	}
	val, diags := expr.Value(c.evalContext(sc))
	addAttributesHints(diags)
	c.diags = append(c.diags, diags...)
	if diags.HasErrors() {
		return cty.NilVal, false
	}
	return val, true
}

// checkExpr evaluates expr in the validation scope and checks that its
// value converts to want (unknowns of a convertible type pass). what names
// the argument in messages ("when condition").
func (c *checker) checkExpr(expr hcl.Expression, sc exprScope, want cty.Type, what string) {
	val, ok := c.evalExpr(expr, sc)
	if !ok || want == cty.DynamicPseudoType {
		return
	}
	if _, err := convert.Convert(val, want); err != nil {
		c.diags = append(c.diags, wrongType(expr, what, want, err))
	}
}

// convertList converts a value to a list of strings (for `on`).
func convertList(val cty.Value) (cty.Value, error) {
	return convert.Convert(val, cty.List(cty.String))
}

// checkAttrs follows the attribute and index steps of a reference through
// ty and reports the first attribute an object type does not have. Where
// the type stops being known (any, tuples) it leaves the rest to
// evaluation.
func checkAttrs(ty cty.Type, rest hcl.Traversal, prefix string) *hcl.Diagnostic {
	for _, step := range rest {
		if ty == cty.DynamicPseudoType {
			return nil
		}
		switch s := step.(type) {
		case hcl.TraverseIndex:
			if !ty.IsListType() && !ty.IsMapType() {
				return nil
			}
			ty, prefix = ty.ElementType(), prefix+"[...]"
		case hcl.TraverseAttr:
			switch {
			case ty.IsMapType():
				ty, prefix = ty.ElementType(), prefix+"."+s.Name
			case !ty.IsObjectType():
				return nil
			case !ty.HasAttribute(s.Name):
				return unsupportedAttr(ty, s, prefix)
			default:
				ty, prefix = ty.AttributeType(s.Name), prefix+"."+s.Name
			}
		default:
			return nil
		}
	}
	return nil
}

func unsupportedAttr(ty cty.Type, attr hcl.TraverseAttr, prefix string) *hcl.Diagnostic {
	var names []string
	for n := range ty.AttributeTypes() {
		names = append(names, n)
	}
	hint := didYouMean(attr.Name, names)
	if hint == "" {
		hint = fmt.Sprintf(" Its attributes are %s.", quotedList(names))
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Unsupported attribute",
		Detail:   fmt.Sprintf("%s has no attribute named %q.%s", prefix, attr.Name, hint),
		Subject:  attr.SrcRange.Ptr(),
	}
}
