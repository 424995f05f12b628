package runbooks

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Approval is a repair's `approval { reason }` block: apply stops before
// the repair, shows its preview and Reason, and runs it only when an
// operator grants the gate (interactively, or with --approve ADDR).
type Approval struct {
	// Reason says why the repair needs a human; never empty. It is "" only
	// while ReasonExpr is set.
	Reason string
	// ReasonExpr is set when the reason uses step results ("${var.ticket}:
	// ${diagnose.x509_inspect.ca.subject}"): the engine renders it when the
	// gate is reached. A reason of constants, variables, locals of
	// variables and the inventory is decoded into Reason instead.
	ReasonExpr hcl.Expression
	// Required is how many signed approvals of a saved plan, from distinct
	// signers, the gate needs (`required = 2`); 0 when unset: then one
	// operator grants it (terminal or --approve) or one signed approval.
	Required int
	// NoSelfApproval (`self_approval = false`) makes a signature by the
	// operator running apply (a key in their agent or key file, or a
	// principal named as their user) count for nothing at this gate.
	NoSelfApproval bool
	DeclRange      hcl.Range
}

func (s *Step) decodeApprovalBlock(block *hcl.Block) (*Approval, hcl.Diagnostics) {
	a := &Approval{DeclRange: block.DefRange}
	content, diags := block.Body.Content(approvalBlockSchema)
	if r, ok := content.Attributes["required"]; ok {
		n, _, d := constInt(r.Expr, "approval's required", 1, 100)
		diags = append(diags, d...)
		a.Required = n
	}
	if r, ok := content.Attributes["self_approval"]; ok {
		b, d := constBool(r.Expr, "approval's self_approval")
		diags = append(diags, d...)
		a.NoSelfApproval = !d.HasErrors() && !b
	}
	attr, ok := content.Attributes["reason"]
	if !ok {
		return a, diags // hcl reported the missing argument
	}
	if usesStepResults(attr.Expr) {
		a.ReasonExpr = attr.Expr
		return a, diags
	}
	diags = append(diags, s.metaArg("approval reason", attr.Expr, cty.String, func(e hcl.Expression) hcl.Diagnostics {
		reason, d := constString(e, "approval reason")
		if !d.HasErrors() && strings.TrimSpace(reason) == "" {
			d = append(d, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Empty approval reason",
				Detail:   "The operator asked to approve this repair reads the reason; say what it changes and why that is safe here.",
				Subject:  e.Range().Ptr(),
			})
		}
		a.Reason = reason
		return d
	})...)
	return a, diags
}

var approvalBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "reason", Required: true}, {Name: "required"}, {Name: "self_approval"}},
}

// usesStepResults reports whether expr refers to a step's result
// directly (not through a local), or to each (the instance being gated).
func usesStepResults(expr hcl.Expression) bool {
	for _, tr := range expr.Variables() {
		if r := tr.RootName(); r == "diagnose" || r == "repair" || r == "each" {
			return true
		}
	}
	return false
}
