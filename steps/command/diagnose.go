package command

import (
	"context"

	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Diagnose is the `diagnose "command"` step type: it runs a command that
// must not change the host (the runbook author's promise: plan runs it for
// real) and reports its exit code and output.
type Diagnose struct{}

var (
	_ steps.Diagnoser = Diagnose{}
	_ steps.Validator = Diagnose{}
)

// Name returns "command".
func (Diagnose) Name() string { return "command" }

// NewConfig returns a new *DiagnoseConfig.
func (Diagnose) NewConfig() any { return &DiagnoseConfig{} }

// ShellArgs: command runs as shell code (steps.ShellCoder).
func (Diagnose) ShellArgs() []string { return []string{"command"} }

// Output is an object with exit_code, stdout, stderr, json and ok (see
// outputAttrs).
func (Diagnose) Output() cty.Type { return cty.Object(outputAttrs()) }

// ValidateConfig rejects an empty command and exit codes outside 0-255.
func (Diagnose) ValidateConfig(config any) error {
	c, err := steps.ConfigAs[*DiagnoseConfig](config)
	if err != nil {
		return err
	}
	return validateSpec(c.Command, c.Args, c.ExpectExit)
}

// Diagnose runs the command on req.Host. An exit code outside expect_exit
// returns the output together with an error of class exit_status, so the
// run records what the command printed; unparsable JSON is an error of
// class step. An error from the host (unreachable, ctx done) returns no
// output.
func (Diagnose) Diagnose(ctx context.Context, req steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	c, err := steps.ConfigAs[*DiagnoseConfig](req.Config)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	if req.Host == nil {
		return steps.DiagnoseResponse{}, errNoHost
	}
	sp := c.spec()
	sp.sensitive = req.SensitiveConfig
	res, err := run(ctx, req.Host, sp)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	return steps.DiagnoseResponse{
		Output:  cty.ObjectVal(res.attrs()),
		Summary: res.summary(),
		Details: res.details,
	}, res.err()
}

// run executes sp on host and checks the result.
func run(ctx context.Context, host steps.Host, sp spec) (result, error) {
	req := steps.ExecRequest{Command: sp.command}
	if sp.stdin != "" {
		req.Stdin = []byte(sp.stdin)
	}
	r, err := host.Exec(ctx, req)
	if err != nil {
		return result{}, err
	}
	return check(sp, r), nil
}
