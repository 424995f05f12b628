package steps

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Evaluator evaluates HCL that a step type keeps unevaluated in its config
// (an hcl.Body or hcl.Expression field), in the scope of the step on the
// current host: var.*, earlier steps' results, host, and self. Only step
// types that embed other steps or conditions need it (wait_until's nested
// check and its `until` condition). The engine provides it in requests.
type Evaluator interface {
	// DecodeBody decodes body into the gohcl-tagged struct pointed to by
	// into, with self bound to the given value (cty.NilVal: no self).
	DecodeBody(body hcl.Body, self cty.Value, into any) hcl.Diagnostics
	// EvalCondition evaluates a bool expression with self bound.
	EvalCondition(expr hcl.Expression, self cty.Value) (bool, hcl.Diagnostics)
}

// Nester is implemented by a step type that embeds another diagnose step
// in a labelled block, like wait_until's `check "http_check" { ... }`.
// NestedBlock names that block type. The language then checks the block's
// body against the named diagnose type's config (before anything runs, like
// any step's arguments) and types `self` in the step's unevaluated
// expressions (wait_until's until) as that type's output.
type Nester interface {
	NestedBlock() string
}
