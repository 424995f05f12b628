package service

import (
	"context"

	"github.com/zclconf/go-cty/cty"

	"github.com/mend-sh/mend/steps"
)

// Status is the service_status diagnose type: the state of one service on
// the target host. Its zero value is ready to use.
type Status struct{}

var (
	_ steps.Diagnoser = Status{}
	_ steps.Validator = Status{}
)

// Name returns "service_status".
func (Status) Name() string { return "service_status" }

// NewConfig returns a zero *StatusConfig.
func (Status) NewConfig() any { return &StatusConfig{} }

// Output is an object with active (bool), state (string), pid (number),
// invocation_id (string), uptime_s (number) and restarts (number; null
// when the supervisor does not count restarts, as with runit).
func (Status) Output() cty.Type { return cty.Object(statusAttrs) }

// ValidateConfig checks the name and the supervisor.
func (Status) ValidateConfig(config any) error {
	c, err := steps.ConfigAs[*StatusConfig](config)
	if err != nil {
		return err
	}
	_, err = newSupervisor(c.Name, c.Supervisor, c.SVDir)
	return err
}

// Diagnose reads the service's state. A stopped or failed service is a
// result (active = false), not an error; a service the supervisor does not
// know, or a supervisor that does not answer, is an error.
func (Status) Diagnose(ctx context.Context, req steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	c, err := steps.ConfigAs[*StatusConfig](req.Config)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	sup, err := newSupervisor(c.Name, c.Supervisor, c.SVDir)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	if req.Host == nil {
		return steps.DiagnoseResponse{}, steps.Errorf(steps.ClassConfig, "service_status %s: needs a host (set on)", c.Name)
	}
	st, err := sup.status(ctx, req.Host)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	resp := steps.DiagnoseResponse{Output: cty.ObjectVal(st.values()), Summary: st.String()}
	if st.InvocationID != "" {
		resp.Details = append(resp.Details, "invocation "+st.InvocationID)
	}
	if st.NeedDaemonReload {
		resp.Details = append(resp.Details, "unit file changed on disk: systemctl daemon-reload needed before a restart picks it up")
	}
	return resp, nil
}
