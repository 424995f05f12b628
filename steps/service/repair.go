package service

import (
	"context"
	"fmt"
	"maps"

	"github.com/zclconf/go-cty/cty"

	"github.com/mend-sh/mend/steps"
)

// Repair is the service repair type: restart, start, stop or reload a
// service, then prove the result (see Apply). Its zero value is ready to
// use. It is not dangerous by itself; a runbook adds an approval block
// where a restart matters.
type Repair struct{}

var (
	_ steps.Repairer  = Repair{}
	_ steps.Validator = Repair{}
)

// Name returns "service".
func (Repair) Name() string { return "service" }

// NewConfig returns a zero *RepairConfig.
func (Repair) NewConfig() any { return &RepairConfig{} }

// Dangerous returns false.
func (Repair) Dangerous() bool { return false }

// Output is service_status's output (the state after the action) plus
// previous_pid (number) and previous_invocation_id (string), the instance
// before it.
func (Repair) Output() cty.Type { return cty.Object(repairAttrs()) }

func repairAttrs() map[string]cty.Type {
	attrs := maps.Clone(statusAttrs)
	attrs["previous_pid"] = cty.Number
	attrs["previous_invocation_id"] = cty.String
	return attrs
}

// ValidateConfig checks the name, supervisor, action and durations.
func (Repair) ValidateConfig(config any) error {
	cfg, err := steps.ConfigAs[*RepairConfig](config)
	if err != nil {
		return err
	}
	_, err = cfg.parse()
	return err
}

// decide says whether action changes a service in state before: restart
// and reload always act; start on a running service and stop on a service
// with no process are no-ops.
func decide(action string, before State) steps.Action {
	switch {
	case action == "start" && before.Active:
		return steps.NoOp
	case action == "stop" && before.stopped():
		return steps.NoOp
	}
	return steps.Change
}

// Plan reads the service's current state and previews the exact command.
// The planned output knows the previous instance; the state after is
// unknown until Apply, except for a no-op.
func (Repair) Plan(ctx context.Context, req steps.PlanRequest) (steps.PlanResponse, error) {
	cfg, err := steps.ConfigAs[*RepairConfig](req.Config)
	if err != nil {
		return steps.PlanResponse{}, err
	}
	s, err := cfg.parse()
	if err != nil {
		return steps.PlanResponse{}, err
	}
	if req.Host == nil {
		return steps.PlanResponse{}, errNoHost(s)
	}
	before, err := s.sup.status(ctx, req.Host)
	if err != nil {
		return steps.PlanResponse{}, err
	}
	action := decide(s.action, before)
	if action == steps.NoOp {
		return steps.PlanResponse{
			Action:  steps.NoOp,
			Preview: steps.Preview{Summary: fmt.Sprintf("%s: already %s", s.sup, before)},
			Output:  repairOutput(before, before),
		}, nil
	}
	return steps.PlanResponse{Action: action, Preview: s.preview(before), Output: plannedOutput(before)}, nil
}

// preview describes the action and what Apply will check afterwards.
func (s settings) preview(before State) steps.Preview {
	p := steps.Preview{
		Summary: fmt.Sprintf("%s %s (now %s)", s.action, s.sup, before),
		Command: s.sup.command(s.action, s.wait),
	}
	switch s.action {
	case "stop":
		p.Changes = []string{fmt.Sprintf("state %s -> stopped, checked within %s", before.State, s.wait)}
	case "restart":
		p.Changes = []string{fmt.Sprintf("pid %d -> a new instance, running within %s and unchanged for %s", before.PID, s.wait, s.stableFor)}
	default:
		p.Changes = []string{fmt.Sprintf("state %s -> running within %s and unchanged for %s", before.State, s.wait, s.stableFor)}
	}
	if s.action == "reload" && !before.Active {
		p.Changes = append(p.Changes, "warning: the service is not running, so a reload is likely to fail")
	}
	if before.NeedDaemonReload {
		p.Changes = append(p.Changes, "warning: the unit file changed on disk; without systemctl daemon-reload the old definition is used")
	}
	return p
}

// repairOutput is the output for the state after and the state before.
func repairOutput(after, before State) cty.Value {
	vals := after.values()
	vals["previous_pid"] = cty.NumberIntVal(int64(before.PID))
	vals["previous_invocation_id"] = cty.StringVal(before.InvocationID)
	return cty.ObjectVal(vals)
}

// plannedOutput knows only the state before.
func plannedOutput(before State) cty.Value {
	vals := map[string]cty.Value{}
	for name, ty := range statusAttrs {
		vals[name] = cty.UnknownVal(ty)
	}
	vals["previous_pid"] = cty.NumberIntVal(int64(before.PID))
	vals["previous_invocation_id"] = cty.StringVal(before.InvocationID)
	return cty.ObjectVal(vals)
}
