package assert

import (
	"context"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/mend-sh/mend/steps"
)

// Config is the arguments of an assert block.
type Config struct {
	// Condition is the predicate; the engine evaluates it before the step
	// runs, so earlier steps' results are already resolved.
	Condition bool `hcl:"condition"`
	// Message says what it means when Condition is false, for the operator
	// who reads the failure ("etcd still serves the old CA").
	Message string `hcl:"message"`
}

// Type is the assert diagnose type. Its zero value is ready to use.
type Type struct{}

var (
	_ steps.Diagnoser = Type{}
	_ steps.Validator = Type{}
	_ steps.Hostless  = Type{}
)

// Name returns "assert".
func (Type) Name() string { return "assert" }

// Hostless returns true: an assert touches no host, so it needs no `on`.
func (Type) Hostless() bool { return true }

// NewConfig returns a zero *Config.
func (Type) NewConfig() any { return &Config{} }

// Output is an object with one attribute, ok (bool).
func (Type) Output() cty.Type { return cty.Object(map[string]cty.Type{"ok": cty.Bool}) }

// ValidateConfig rejects an empty message: a failed assertion must say
// what it means.
func (Type) ValidateConfig(config any) error {
	c, err := steps.ConfigAs[*Config](config)
	if err != nil {
		return err
	}
	if strings.TrimSpace(c.Message) == "" {
		return steps.Errorf(steps.ClassConfig, "assert: message must not be empty")
	}
	return nil
}

// Diagnose reports ok = Condition. A false condition also returns an
// error of class steps.ClassExpectation carrying Message, together with
// the output, so the engine both halts and records ok = false. It touches
// no host.
func (Type) Diagnose(_ context.Context, req steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	c, err := steps.ConfigAs[*Config](req.Config)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	resp := steps.DiagnoseResponse{
		Output:  cty.ObjectVal(map[string]cty.Value{"ok": cty.BoolVal(c.Condition)}),
		Summary: "true",
	}
	if !c.Condition {
		// The message is in the error, which every view prints: in the
		// summary as well it was printed twice.
		resp.Summary = "false"
		return resp, steps.Errorf(steps.ClassExpectation, "assertion failed: %s", c.Message)
	}
	return resp, nil
}
