package wait

import (
	"context"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/mend-sh/mend/steps"
)

// Type is the wait_until diagnose type. Make it with New.
type Type struct {
	lookup func(name string) steps.Diagnoser
}

var (
	_ steps.Diagnoser = (*Type)(nil)
	_ steps.Validator = (*Type)(nil)
)

// New returns the wait_until type. lookup finds the diagnose type a check
// block names (steps/builtin passes the registry's Diagnoser method); it
// is called at validation and on every attempt, so it may be bound to a
// registry built after New returns. A lookup of "wait_until" is refused
// before lookup is asked.
func New(lookup func(name string) steps.Diagnoser) *Type { return &Type{lookup: lookup} }

// Name returns "wait_until".
func (*Type) Name() string { return "wait_until" }

// NewConfig returns a zero *Config.
func (*Type) NewConfig() any { return &Config{} }

// Output is wait_until's result:
//
//	satisfied   the condition held for stable_for before the deadline
//	attempts    how many times the check ran
//	last        the last attempt's output (its type is the check's
//	            output type; null if the last attempt returned an error)
//	elapsed_ms  time from the first attempt to the end
//	error       the last attempt's error ("" if it had none)
func (*Type) Output() cty.Type {
	return cty.Object(map[string]cty.Type{
		"satisfied":  cty.Bool,
		"attempts":   cty.Number,
		"last":       cty.DynamicPseudoType,
		"elapsed_ms": cty.Number,
		"error":      cty.String,
	})
}

// ValidateConfig checks the check type and the durations.
func (t *Type) ValidateConfig(config any) error {
	cfg, err := steps.ConfigAs[*Config](config)
	if err != nil {
		return err
	}
	_, err = t.parse(cfg)
	return err
}

// Diagnose runs the check until the condition has held for stable_for.
// The deadline is the step's timeout (req.Timeout, already on ctx), or
// DefaultTimeout. It returns:
//   - satisfied = true and no error when the condition held long enough;
//   - an error of class timeout, the last observation in its message and
//     Summary, when the deadline passed first;
//   - the check's own error class, or step for a verdict, when an outcome
//     in fail_fast_on was seen;
//   - a config error when the check's arguments or the condition cannot be
//     decoded or evaluated (retrying would not help either).
//
// The output is returned in every case but the config errors.
func (t *Type) Diagnose(ctx context.Context, req steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	c, err := steps.ConfigAs[*Config](req.Config)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	s, err := t.parse(c)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	if req.Eval == nil {
		return steps.DiagnoseResponse{}, steps.Errorf(steps.ClassInternal, "wait_until: the request has no Evaluator")
	}
	timeout := req.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	l := &loop{settings: s, cfg: c, req: req, timeout: timeout, start: time.Now()}
	return l.run(ctx)
}

// NestedBlock names the block holding the step to wait for, so the
// language checks its arguments against that step type before anything
// runs (steps.Nester).
func (*Type) NestedBlock() string { return "check" }

var _ steps.Nester = (*Type)(nil)
