package runbooks

import "github.com/hashicorp/hcl/v2"

// Expect is an `expect { condition, message }` block: after the step ran
// on a host, Condition (a bool, with self bound to that host's result)
// must hold, else the step fails with Message on that host (error class
// "expectation"). It is the runbook's "if this is not true, stop and
// escalate".
type Expect struct {
	Condition, Message hcl.Expression
	DeclRange          hcl.Range
}

func decodeExpectBlock(block *hcl.Block) (*Expect, hcl.Diagnostics) {
	content, diags := block.Body.Content(expectBlockSchema)
	cond, okCond := content.Attributes["condition"]
	msg, okMsg := content.Attributes["message"]
	if !okCond || !okMsg {
		return nil, diags // hcl reported the missing argument
	}
	return &Expect{Condition: cond.Expr, Message: msg.Expr, DeclRange: block.DefRange}, diags
}

var expectBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "condition", Required: true},
		{Name: "message", Required: true},
	},
}
