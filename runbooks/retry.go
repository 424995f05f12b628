package runbooks

import (
	"math"
	"time"

	"github.com/hashicorp/hcl/v2"
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

func decodeRetryBlock(block *hcl.Block) (*Retry, hcl.Diagnostics) {
	r := &Retry{Attempts: 1, DeclRange: block.DefRange}
	content, diags := block.Body.Content(retryBlockSchema)
	if attr, ok := content.Attributes["attempts"]; ok {
		n, ok, d := constInt(attr.Expr, "number of retry attempts", 1, math.MaxInt32)
		diags = append(diags, d...)
		if ok {
			r.Attempts = n
		}
	}
	if attr, ok := content.Attributes["delay"]; ok {
		var d hcl.Diagnostics
		r.Delay, d = constDuration(attr.Expr, "retry delay", true)
		diags = append(diags, d...)
	}
	return r, diags
}

var retryBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "attempts", Required: true},
		{Name: "delay"},
	},
}
