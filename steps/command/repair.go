package command

import (
	"context"

	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Repair is the `repair "command"` step type: it runs a command that
// changes the host. Plan shows the exact command line and evaluates the
// guards; Apply evaluates them again (the host may have changed since the
// plan) and runs the command. It is not dangerous by itself: a block that
// needs a human's approval says so with `approval {}`.
type Repair struct{}

var (
	_ steps.Repairer  = Repair{}
	_ steps.Validator = Repair{}
)

// Name returns "command".
func (Repair) Name() string { return "command" }

// NewConfig returns a new *RepairConfig.
func (Repair) NewConfig() any { return &RepairConfig{} }

// ShellArgs: command and unless run as shell code (steps.ShellCoder).
func (Repair) ShellArgs() []string { return []string{"command", "unless"} }

// Output is Diagnose's output plus `skipped` (bool): true when a guard
// made the repair a no-op, in which case exit_code, stdout, stderr and
// json are null and ok is true.
func (Repair) Output() cty.Type {
	attrs := outputAttrs()
	attrs["skipped"] = cty.Bool
	return cty.Object(attrs)
}

// Dangerous returns false.
func (Repair) Dangerous() bool { return false }

// ValidateConfig checks the command and exit codes as Diagnose does, that
// creates is absolute and that unless is not blank.
func (Repair) ValidateConfig(config any) error {
	c, err := steps.ConfigAs[*RepairConfig](config)
	if err != nil {
		return err
	}
	if err := validateSpec(c.Command, c.Args, c.ExpectExit); err != nil {
		return err
	}
	return validateGuards(c)
}

// Plan evaluates the guards on the read-only host and never runs the
// command. A satisfied guard plans a NoOp ("skipped: /x exists");
// otherwise a Change whose Preview.Command is the exact command line and
// whose output is unknown until apply (json is null when json = false;
// skipped is false when there are no guards).
func (Repair) Plan(ctx context.Context, req steps.PlanRequest) (steps.PlanResponse, error) {
	c, err := steps.ConfigAs[*RepairConfig](req.Config)
	if err != nil {
		return steps.PlanResponse{}, err
	}
	reason, err := skipReason(ctx, req.Host, c)
	if err != nil {
		return steps.PlanResponse{}, err
	}
	if reason != "" {
		return steps.PlanResponse{Action: steps.NoOp, Preview: steps.Preview{Summary: "skipped: " + reason}, Output: skippedOutput()}, nil
	}
	return steps.PlanResponse{
		Action:  steps.Change,
		Preview: steps.Preview{Summary: "run " + brief(commandLine(c.Command, c.Args)), Command: commandLine(c.Command, c.Args)},
		Output:  plannedOutput(c),
	}, nil
}

// Apply evaluates the guards again and, unless one is satisfied, runs the
// command: Changed is then true whatever the exit code, since a failing
// command may have changed the host too. An unexpected exit code returns
// the output and an error of class exit_status. An error from the host
// (ctx done, connection lost) also reports Changed: the command may have
// started.
func (Repair) Apply(ctx context.Context, req steps.ApplyRequest) (steps.ApplyResponse, error) {
	c, err := steps.ConfigAs[*RepairConfig](req.Config)
	if err != nil {
		return steps.ApplyResponse{}, err
	}
	reason, err := skipReason(ctx, req.Host, c)
	if err != nil {
		return steps.ApplyResponse{}, err
	}
	if reason != "" {
		return steps.ApplyResponse{Output: skippedOutput(), Summary: "skipped: " + reason}, nil
	}
	sp := c.spec()
	sp.sensitive = req.SensitiveConfig
	res, err := run(ctx, req.Host, sp)
	if err != nil {
		return steps.ApplyResponse{Changed: true}, err
	}
	attrs := res.attrs()
	attrs["skipped"] = cty.False
	return steps.ApplyResponse{Changed: true, Output: cty.ObjectVal(attrs), Summary: res.summary(), Details: res.details}, res.err()
}

// skippedOutput is the output of a repair a guard skipped.
func skippedOutput() cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"exit_code": cty.NullVal(cty.Number),
		"stdout":    cty.NullVal(cty.String),
		"stderr":    cty.NullVal(cty.String),
		"json":      cty.NullVal(cty.DynamicPseudoType),
		"ok":        cty.True,
		"skipped":   cty.True,
	})
}

// plannedOutput is the output of a repair that would run: what the plan
// can already tell is known, the rest unknown.
func plannedOutput(c *RepairConfig) cty.Value {
	json := cty.DynamicVal
	if !c.JSON {
		json = cty.NullVal(cty.DynamicPseudoType)
	}
	skipped := cty.UnknownVal(cty.Bool)
	if !hasGuards(c) {
		skipped = cty.False
	}
	return cty.ObjectVal(map[string]cty.Value{
		"exit_code": cty.UnknownVal(cty.Number),
		"stdout":    cty.UnknownVal(cty.String),
		"stderr":    cty.UnknownVal(cty.String),
		"json":      json,
		"ok":        cty.UnknownVal(cty.Bool),
		"skipped":   skipped,
	})
}
