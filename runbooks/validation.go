package runbooks

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// validateVariables runs every validation block of the variables whose
// values are valid, with all values in scope (invalid ones unknown, so
// conditions on them are skipped rather than failing twice).
func (rb *Runbook) validateVariables(values map[string]cty.Value, valid map[string]bool, given map[string]givenValue) hcl.Diagnostics {
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(values)},
		Functions: Functions(rb.Dir()),
	}
	var diags hcl.Diagnostics
	for _, v := range rb.Variables {
		if !valid[v.Name] {
			continue
		}
		for _, rule := range v.Validations {
			secret := v.Sensitive || rb.refersToSensitive(rule.Condition)
			if d := rule.check(ctx, v, given[v.Name].rng, secret); d != nil {
				diags = append(diags, d...)
			}
		}
	}
	return diags
}

// check evaluates one rule; a false condition is reported with the rule's
// error_message, at the value's source when known.
func (rule *Validation) check(ctx *hcl.EvalContext, v *Variable, valueRange *hcl.Range, secret bool) hcl.Diagnostics {
	cond, diags := rule.Condition.Value(ctx)
	if diags.HasErrors() {
		if secret {
			// The evaluation error may quote the value ("cannot convert
			// \"s3cret\" to number"): say only where and that it failed.
			return hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Invalid value for variable",
				Detail:   fmt.Sprintf("The validation condition for var.%s, which involves a sensitive value, could not be evaluated with the values given; the error is not shown because it may contain a secret.", v.Name),
				Subject:  rule.Condition.Range().Ptr(),
			}}
		}
		return diags
	}
	cond, _ = cond.UnmarkDeep()
	if !cond.IsKnown() {
		return diags
	}
	if cond.IsNull() {
		return append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid validation result",
			Detail:   fmt.Sprintf("The validation condition for var.%s returned null; it must return true or false.", v.Name),
			Subject:  rule.Condition.Range().Ptr(),
		})
	}
	b, err := convert.Convert(cond, cty.Bool)
	if err != nil {
		return append(diags, wrongType(rule.Condition, "validation condition", cty.Bool, err))
	}
	if b.True() {
		return diags
	}
	subject := valueRange
	if subject == nil || secret {
		// The value's source line would print the secret.
		subject = rule.Condition.Range().Ptr()
	}
	return append(diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid value for variable",
		Detail:   fmt.Sprintf("%s\n\nThis was checked by the validation rule at %s.", rule.message(ctx, v), rule.DeclRange),
		Subject:  subject,
	})
}

// message evaluates error_message; a sensitive or broken one is replaced
// by a sentence saying so, never shown.
func (rule *Validation) message(ctx *hcl.EvalContext, v *Variable) string {
	msg, diags := rule.ErrorMessage.Value(ctx)
	if diags.HasErrors() || msg.IsNull() || !msg.IsKnown() {
		return fmt.Sprintf("The value of var.%s is not valid (its error_message could not be evaluated).", v.Name)
	}
	if msg.IsMarked() {
		return fmt.Sprintf("The value of var.%s is not valid (its error_message refers to a sensitive value and is not shown).", v.Name)
	}
	s, err := convert.Convert(msg, cty.String)
	if err != nil {
		return fmt.Sprintf("The value of var.%s is not valid.", v.Name)
	}
	return s.AsString()
}

// refersToSensitive reports whether expr refers to a sensitive variable.
func (rb *Runbook) refersToSensitive(expr hcl.Expression) bool {
	for _, tr := range expr.Variables() {
		if tr.RootName() != "var" || len(tr) < 2 {
			continue
		}
		if attr, ok := tr[1].(hcl.TraverseAttr); ok {
			if v := rb.Variable(attr.Name); v != nil && v.Sensitive {
				return true
			}
		}
	}
	return false
}
