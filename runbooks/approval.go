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
	// Reason says why the repair needs a human; never empty.
	Reason    string
	DeclRange hcl.Range
}

func (s *Step) decodeApprovalBlock(block *hcl.Block) (*Approval, hcl.Diagnostics) {
	a := &Approval{DeclRange: block.DefRange}
	content, diags := block.Body.Content(approvalBlockSchema)
	attr, ok := content.Attributes["reason"]
	if !ok {
		return a, diags // hcl reported the missing argument
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
	Attributes: []hcl.AttributeSchema{{Name: "reason", Required: true}},
}
