package runbooks

import (
	"fmt"
	"os"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// givenValue is a variable value from the command line or a file.
type givenValue struct {
	val cty.Value
	rng *hcl.Range // where it was written; nil for -var
}

// EvalVariables computes the value of every declared variable from raw
// (-var name=value flags: the text is taken as is for a string variable
// and parsed as an HCL expression, such as ["a","b"], for any other type)
// and files (-var-file: HCL files of name = value, read in order). -var
// wins over files, files over defaults. Values are converted to the
// declared types, required variables must be set, validation blocks must
// hold, and sensitive variables come back marked with SensitiveMark.
// Every problem is reported; the map must not be used when the
// diagnostics have errors. The var files are added to rb.Files so their
// diagnostics render with source.
func (rb *Runbook) EvalVariables(raw map[string]string, files []string) (map[string]cty.Value, hcl.Diagnostics) {
	given := map[string]givenValue{}
	diags := rb.readVarFiles(files, given)
	diags = append(diags, rb.parseRawVars(raw, given)...)
	values := map[string]cty.Value{}
	valid := map[string]bool{}
	for _, v := range rb.Variables {
		val, d := v.finalValue(given[v.Name])
		diags = append(diags, d...)
		values[v.Name] = val
		valid[v.Name] = !d.HasErrors()
	}
	diags = append(diags, rb.validateVariables(values, valid, given)...)
	return values, diags
}

// finalValue converts the given value, or takes the default.
func (v *Variable) finalValue(g givenValue) (cty.Value, hcl.Diagnostics) {
	val := g.val
	if val == cty.NilVal {
		if v.Required() {
			return cty.UnknownVal(v.Type), hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "No value for required variable",
				Detail: fmt.Sprintf("The runbook needs a value for var.%s, which has no default. Set it with -var %s=VALUE or in a -var-file.",
					v.Name, v.Name),
				Subject: v.DeclRange.Ptr(),
			}}
		}
		val = v.Default
	}
	conv, err := convert.Convert(val, v.Type)
	if err != nil && v.Sensitive {
		// Neither the conversion error nor the value's source line may
		// be shown: both can quote the secret.
		return cty.UnknownVal(v.Type), hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable",
			Detail: fmt.Sprintf("The value given for the sensitive var.%s does not match its type %s (the value is not shown).",
				v.Name, typeexpr.TypeString(v.Type)),
			Subject: v.DeclRange.Ptr(),
		}}
	}
	if err != nil {
		return cty.UnknownVal(v.Type), hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable",
			Detail: fmt.Sprintf("The value given for var.%s does not match its type %s: %s.",
				v.Name, typeexpr.TypeString(v.Type), err),
			Subject: g.rng,
		}}
	}
	if v.Sensitive {
		conv = conv.Mark(SensitiveMark)
	}
	return conv, nil
}

// readVarFiles reads -var-file files into given, in order.
func (rb *Runbook) readVarFiles(files []string, given map[string]givenValue) hcl.Diagnostics {
	var diags hcl.Diagnostics
	parser := hclparse.NewParser()
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Cannot read variables file",
				Detail:   fmt.Sprintf("Reading %s failed: %s.", name, err),
			})
			continue
		}
		if d := CheckNesting(name, src); d != nil {
			rb.Files[name] = &hcl.File{Bytes: src}
			diags = append(diags, d)
			continue
		}
		file, d := parser.ParseHCL(src, name)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		rb.Files[name] = file
		attrs, d := file.Body.JustAttributes()
		diags = append(diags, d...)
		for _, attr := range sortedAttributes(attrs) {
			if rb.Variable(attr.Name) == nil {
				diags = append(diags, rb.undeclaredValue(attr.Name, hcl.DiagWarning, attr.NameRange.Ptr()))
				continue
			}
			val, d := attr.Expr.Value(nil)
			diags = append(diags, d...)
			if !d.HasErrors() {
				given[attr.Name] = givenValue{val: val, rng: attr.Expr.Range().Ptr()}
			}
		}
	}
	return diags
}

// parseRawVars reads -var values into given: raw text for a string
// variable, an HCL expression otherwise.
func (rb *Runbook) parseRawVars(raw map[string]string, given map[string]givenValue) hcl.Diagnostics {
	var diags hcl.Diagnostics
	names := make([]string, 0, len(raw))
	for n := range raw {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		v := rb.Variable(name)
		if v == nil {
			diags = append(diags, rb.undeclaredValue(name, hcl.DiagError, nil))
			continue
		}
		if v.Type == cty.String {
			given[name] = givenValue{val: cty.StringVal(raw[name])}
			continue
		}
		filename := fmt.Sprintf("<value for var.%s>", name)
		if !v.Sensitive {
			rb.Files[filename] = &hcl.File{Bytes: []byte(raw[name])} // for the source snippet
		}
		if d := CheckNesting(filename, []byte(raw[name])); d != nil {
			diags = append(diags, d)
			continue
		}
		expr, d := hclsyntax.ParseExpression([]byte(raw[name]), filename, hcl.InitialPos)
		if d.HasErrors() && v.Sensitive {
			d = hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid value for variable",
				Detail: fmt.Sprintf("The -var value for the sensitive var.%s is not a valid expression (the value is not shown).", name)}}
		}
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		val, d := expr.Value(nil)
		if d.HasErrors() && v.Sensitive {
			d = hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid value for variable",
				Detail: fmt.Sprintf("The -var value for the sensitive var.%s could not be evaluated (the value is not shown).", name)}}
		}
		diags = append(diags, d...)
		if !d.HasErrors() {
			given[name] = givenValue{val: val}
		}
	}
	return diags
}

// undeclaredValue reports a value for a variable the runbook does not
// declare: an error for -var (surely a typo), a warning in a file (one
// file may serve several runbooks).
func (rb *Runbook) undeclaredValue(name string, sev hcl.DiagnosticSeverity, rng *hcl.Range) *hcl.Diagnostic {
	names := make([]string, len(rb.Variables))
	for i, v := range rb.Variables {
		names[i] = v.Name
	}
	return &hcl.Diagnostic{
		Severity: sev,
		Summary:  "Value for undeclared variable",
		Detail:   fmt.Sprintf("A value was given for %q, but the runbook declares no such variable.%s", name, didYouMean(name, names)),
		Subject:  rng,
	}
}
