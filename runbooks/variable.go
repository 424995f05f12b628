package runbooks

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Variable is a `variable "name" {}` block: a typed input to the runbook,
// set with -var or -var-file and read as var.<name>.
type Variable struct {
	Name string
	// Type is the declared type constraint; cty.DynamicPseudoType (any)
	// when the block has no type argument.
	Type cty.Type
	// Default is the value used when none is given; cty.NilVal when the
	// variable is required. A default of null is a null of Type.
	Default     cty.Value
	Sensitive   bool
	Description string
	Validations []*Validation
	DeclRange   hcl.Range
}

// Validation is a `validation { condition, error_message }` block of a
// variable. EvalVariables evaluates both with var.* bound; a false
// condition rejects the value with the message.
type Validation struct {
	Condition, ErrorMessage hcl.Expression
	DeclRange               hcl.Range
}

// Required reports whether the variable must be given a value.
func (v *Variable) Required() bool { return v.Default == cty.NilVal }

func decodeVariableBlock(block *hcl.Block) (*Variable, hcl.Diagnostics) {
	v := &Variable{Name: block.Labels[0], Type: cty.DynamicPseudoType, DeclRange: block.DefRange}
	var diags hcl.Diagnostics
	if !hclsyntax.ValidIdentifier(v.Name) {
		diags = append(diags, invalidName("variable", v.Name, block.LabelRanges[0]))
	}
	content, moreDiags := block.Body.Content(variableBlockSchema)
	diags = append(diags, moreDiags...)
	if attr, ok := content.Attributes["type"]; ok {
		ty, tyDiags := typeexpr.TypeConstraint(attr.Expr)
		diags = append(diags, tyDiags...)
		if !tyDiags.HasErrors() {
			v.Type = ty
		}
	}
	if attr, ok := content.Attributes["default"]; ok {
		def, defDiags := decodeVariableDefault(attr.Expr, v.Type)
		diags = append(diags, defDiags...)
		v.Default = def
	}
	if attr, ok := content.Attributes["description"]; ok {
		var d hcl.Diagnostics
		v.Description, d = constString(attr.Expr, "description")
		diags = append(diags, d...)
	}
	if attr, ok := content.Attributes["sensitive"]; ok {
		var d hcl.Diagnostics
		v.Sensitive, d = constBool(attr.Expr, "sensitive argument")
		diags = append(diags, d...)
	}
	for _, b := range content.Blocks {
		val, vDiags := decodeValidationBlock(b)
		diags = append(diags, vDiags...)
		if val != nil {
			v.Validations = append(v.Validations, val)
		}
	}
	return v, diags
}

// decodeVariableDefault evaluates a default: a constant (null allowed)
// that converts to the variable's type. On error the variable is treated
// as having a default, so it does not also report as required.
func decodeVariableDefault(expr hcl.Expression, ty cty.Type) (cty.Value, hcl.Diagnostics) {
	if len(expr.Variables()) > 0 {
		return cty.NullVal(ty), hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Variables not allowed",
			Detail:   "A variable's default must be a constant: it is read before any other value exists.",
			Subject:  expr.Range().Ptr(),
		}}
	}
	val, diags := expr.Value(nil)
	if diags.HasErrors() {
		return cty.NullVal(ty), diags
	}
	conv, err := convert.Convert(val, ty)
	if err != nil {
		return cty.NullVal(ty), append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid default value for variable",
			Detail:   fmt.Sprintf("This default is not compatible with the variable's type constraint %s: %s.", typeexpr.TypeString(ty), err),
			Subject:  expr.Range().Ptr(),
		})
	}
	return conv, diags
}

func decodeValidationBlock(block *hcl.Block) (*Validation, hcl.Diagnostics) {
	content, diags := block.Body.Content(validationBlockSchema)
	cond, okCond := content.Attributes["condition"]
	msg, okMsg := content.Attributes["error_message"]
	if !okCond || !okMsg {
		return nil, diags // hcl reported the missing argument
	}
	return &Validation{Condition: cond.Expr, ErrorMessage: msg.Expr, DeclRange: block.DefRange}, diags
}

// invalidName is the diagnostic for a block label that must be an
// identifier because expressions refer to it.
func invalidName(kind, name string, rng hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Invalid %s name", kind),
		Detail: fmt.Sprintf("%q cannot be used in references. A %s name must start with a letter or underscore "+
			"and contain only letters, digits, underscores and dashes.", name, kind),
		Subject: rng.Ptr(),
	}
}

var variableBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "type"},
		{Name: "default"},
		{Name: "description"},
		{Name: "sensitive"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "validation"}},
}

var validationBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "condition", Required: true},
		{Name: "error_message", Required: true},
	},
}
