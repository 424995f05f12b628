package runbooks

import (
	"fmt"
	"math"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// OnFailure is what a failed step does to the rest of the run.
type OnFailure string

// The on_failure values.
const (
	// OnFailureStop ends the run after the step failed (the default): later
	// steps are not run.
	OnFailureStop OnFailure = "stop"
	// OnFailureContinue records the failure and goes on with the next step.
	OnFailureContinue OnFailure = "continue"
)

// decodeMeta reads the meta-arguments of a step block into s. on, when and
// expect stay expressions (checked in check, evaluated by the engine); the
// others are constants read here.
func (s *Step) decodeMeta(content *hcl.BodyContent) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if attr, ok := content.Attributes["on"]; ok {
		s.On = attr.Expr
	}
	if attr, ok := content.Attributes["when"]; ok {
		s.When = attr.Expr
	}
	if attr, ok := content.Attributes["for_each"]; ok {
		s.ForEach = attr.Expr
	}
	if attr, ok := content.Attributes["timeout"]; ok {
		diags = append(diags, s.metaArg("timeout", attr.Expr, cty.String, func(e hcl.Expression) hcl.Diagnostics {
			var d hcl.Diagnostics
			s.Timeout, d = constDuration(e, "timeout", false)
			return d
		})...)
	}
	if attr, ok := content.Attributes["on_failure"]; ok {
		var d hcl.Diagnostics
		s.OnFailure, d = decodeOnFailure(attr.Expr)
		diags = append(diags, d...)
	}
	if attr, ok := content.Attributes["serial"]; ok {
		s.SerialRange = attr.Expr.Range().Ptr()
		diags = append(diags, s.metaArg("serial value", attr.Expr, cty.Number, func(e hcl.Expression) hcl.Diagnostics {
			n, _, d := constInt(e, "serial value", 0, math.MaxInt32)
			s.Serial = n
			return d
		})...)
	}
	if attr, ok := content.Attributes["sensitive"]; ok {
		var d hcl.Diagnostics
		s.Sensitive, d = constBool(attr.Expr, "sensitive argument")
		diags = append(diags, d...)
	}
	diags = append(diags, s.decodeMetaBlocks(content.Blocks)...)
	return diags
}

// decodeMetaBlocks reads retry, approval (at most one each) and expect.
func (s *Step) decodeMetaBlocks(blocks hcl.Blocks) hcl.Diagnostics {
	var diags hcl.Diagnostics
	var firstRetry, firstApproval *hcl.Block
	for _, block := range blocks {
		switch block.Type {
		case "retry":
			if firstRetry != nil {
				diags = append(diags, duplicateBlock(block, firstRetry))
				continue
			}
			firstRetry = block
			r, d := s.decodeRetryBlock(block)
			diags = append(diags, d...)
			s.Retry = r
		case "approval":
			if firstApproval != nil {
				diags = append(diags, duplicateBlock(block, firstApproval))
				continue
			}
			firstApproval = block
			a, d := s.decodeApprovalBlock(block)
			diags = append(diags, d...)
			s.Approval = a
		case "expect":
			e, d := decodeExpectBlock(block)
			diags = append(diags, d...)
			if e != nil {
				s.Expects = append(s.Expects, e)
			}
		}
	}
	return diags
}

// decodeOnFailure accepts the keyword (on_failure = continue) or a string.
func decodeOnFailure(expr hcl.Expression) (OnFailure, hcl.Diagnostics) {
	word := hcl.ExprAsKeyword(expr)
	var diags hcl.Diagnostics
	if word == "" {
		word, diags = constString(expr, "on_failure value")
		if diags.HasErrors() {
			return OnFailureStop, diags
		}
	}
	switch OnFailure(word) {
	case OnFailureStop, OnFailureContinue:
		return OnFailure(word), diags
	}
	allowed := []string{string(OnFailureStop), string(OnFailureContinue)}
	return OnFailureStop, append(diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid on_failure value",
		Detail:   fmt.Sprintf("The on_failure argument must be \"stop\" or \"continue\", not %q.%s", word, didYouMean(word, allowed)),
		Subject:  expr.Range().Ptr(),
	})
}

// duplicateBlock reports a second block of a kind allowed once.
func duplicateBlock(block, first *hcl.Block) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Duplicate %s block", block.Type),
		Detail:   fmt.Sprintf("Only one %s block is allowed here; the first is at %s. Merge the two.", block.Type, first.DefRange),
		Subject:  block.DefRange.Ptr(),
	}
}
