package runbooks

import (
	"fmt"
	"math"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Arguments read before anything runs (timeout, retry, serial, on_failure,
// approval reason, variable defaults, inventory settings) must be
// constants. The helpers below evaluate such an expression with no scope
// and convert it, naming the argument ("what") in every diagnostic.

// constValue evaluates expr as a non-null constant of type ty.
func constValue(expr hcl.Expression, what string, ty cty.Type) (cty.Value, hcl.Diagnostics) {
	if len(expr.Variables()) > 0 {
		return cty.NilVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Variables not allowed",
			Detail:   fmt.Sprintf("The %s must be a constant value: it is read before anything runs, so it cannot refer to variables or step results.", what),
			Subject:  expr.Range().Ptr(),
		}}
	}
	v, diags := expr.Value(nil)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	if v.IsNull() {
		return cty.NilVal, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid value",
			Detail:   fmt.Sprintf("The %s must not be null.", what),
			Subject:  expr.Range().Ptr(),
		})
	}
	cv, err := convert.Convert(v, ty)
	if err != nil {
		return cty.NilVal, append(diags, wrongType(expr, what, ty, err))
	}
	return cv, diags
}

// wrongType is the diagnostic for a value that does not convert to ty.
func wrongType(expr hcl.Expression, what string, ty cty.Type, err error) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Incorrect attribute value type",
		Detail:   fmt.Sprintf("The %s must be of type %s; %s.", what, typeexpr.TypeString(ty), err),
		Subject:  expr.Range().Ptr(),
	}
}

func constString(expr hcl.Expression, what string) (string, hcl.Diagnostics) {
	v, diags := constValue(expr, what, cty.String)
	if v == cty.NilVal {
		return "", diags
	}
	return v.AsString(), diags
}

func constBool(expr hcl.Expression, what string) (bool, hcl.Diagnostics) {
	v, diags := constValue(expr, what, cty.Bool)
	if v == cty.NilVal {
		return false, diags
	}
	return v.True(), diags
}

// constInt evaluates a whole number in [min, max].
func constInt(expr hcl.Expression, what string, min, max int) (int, bool, hcl.Diagnostics) {
	v, diags := constValue(expr, what, cty.Number)
	if v == cty.NilVal {
		return 0, false, diags
	}
	bf := v.AsBigFloat()
	n, acc := bf.Int64()
	if !bf.IsInt() || acc != 0 || n < int64(min) || n > int64(max) {
		return 0, false, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("Invalid %s", what),
			Detail:   fmt.Sprintf("The %s must be %s; %s is not.", what, wholeRange(min, max), bf.Text('g', -1)),
			Subject:  expr.Range().Ptr(),
		})
	}
	return int(n), true, diags
}

func wholeRange(min, max int) string {
	if max >= math.MaxInt32 {
		return fmt.Sprintf("a whole number of at least %d", min)
	}
	return fmt.Sprintf("a whole number from %d to %d", min, max)
}

// constDuration evaluates a duration string such as "30s". A zero duration
// is accepted only when allowZero.
func constDuration(expr hcl.Expression, what string, allowZero bool) (time.Duration, hcl.Diagnostics) {
	s, diags := constString(expr, what)
	if diags.HasErrors() {
		return 0, diags
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return 0, append(diags, invalidDuration(expr, fmt.Sprintf(
			"The %s must be a duration such as \"30s\", \"5m\" or \"1h30m\"; %q is not one.", what, s)))
	case d < 0:
		return 0, append(diags, invalidDuration(expr, fmt.Sprintf("The %s must not be negative.", what)))
	case d == 0 && !allowZero:
		return 0, append(diags, invalidDuration(expr, fmt.Sprintf(
			"The %s must be greater than zero. Remove the argument to have no limit.", what)))
	}
	return d, diags
}

func invalidDuration(expr hcl.Expression, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid duration",
		Detail:   detail,
		Subject:  expr.Range().Ptr(),
	}
}
