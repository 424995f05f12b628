package runbooks

import (
	"math"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Retry is a step's `retry { attempts, delay }` block: the engine runs a
// failed step again, up to Attempts runs in all, waiting Delay between
// runs. Retried failures are those of the step itself (exit status,
// transport, timeout), never a refused gate.
type Retry struct {
	// Attempts is the total number of runs, the first included (>= 1).
	Attempts int
	// Delay is the wait between runs; 0 when the block has no delay.
	Delay     time.Duration
	DeclRange hcl.Range
}

func (s *Step) decodeRetryBlock(block *hcl.Block) (*Retry, hcl.Diagnostics) {
	r := &Retry{Attempts: 1, DeclRange: block.DefRange}
	content, diags := block.Body.Content(retryBlockSchema)
	if attr, ok := content.Attributes["attempts"]; ok {
		diags = append(diags, s.metaArg("number of retry attempts", attr.Expr, cty.Number, func(e hcl.Expression) hcl.Diagnostics {
			n, ok, d := constInt(e, "number of retry attempts", 1, math.MaxInt32)
			if ok {
				r.Attempts = n
			}
			return d
		})...)
	}
	if attr, ok := content.Attributes["delay"]; ok {
		diags = append(diags, s.metaArg("retry delay", attr.Expr, cty.String, func(e hcl.Expression) hcl.Diagnostics {
			var d hcl.Diagnostics
			r.Delay, d = constDuration(e, "retry delay", true)
			return d
		})...)
	}
	return r, diags
}

var retryBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "attempts", Required: true},
		{Name: "delay"},
	},
}
