package tlsprobe

import (
	"context"
	"errors"
	"fmt"

	"github.com/mend-sh/mend/steps"
)

// Diagnose probes the endpoint from req.Host and reports a verdict.
//
// A probe that ran is a successful diagnosis whatever it found: every
// verdict, "unreachable" and "timeout" included, comes back as output
// with a nil error, and the runbook decides what is acceptable (`expect {
// condition = self.ok }`). Diagnose returns an error only when it could
// not probe: no target host, an invalid config, ca_file or the client key
// pair missing or unparsable (ClassStep), a transport failure reading them,
// or the operator cancelling (ClassCanceled).
//
// The whole probe (files, dial, handshake, first read, candidates) is
// bounded by req.Timeout, or DefaultTimeout when the step has none.
func (Probe) Diagnose(ctx context.Context, req steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	cfg := req.Config.(*Config)
	if req.Host == nil {
		return steps.DiagnoseResponse{}, steps.Errorf(steps.ClassConfig,
			"tls_probe: no target host: put the step `on` the host to probe from")
	}
	name, err := cfg.serverName()
	if err != nil {
		return steps.DiagnoseResponse{}, &steps.Error{Class: steps.ClassConfig, Err: err}
	}
	refs, err := cfg.candidates()
	if err != nil {
		return steps.DiagnoseResponse{}, &steps.Error{Class: steps.ClassConfig, Err: err}
	}
	timeout := req.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	s, ca, err := newSession(ctx, req.Host, cfg, name)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	o := s.run(ctx, req.Host, cfg.Endpoint)
	if errors.Is(ctx.Err(), context.Canceled) {
		return steps.DiagnoseResponse{}, fmt.Errorf("tls_probe: %s: %w", cfg.Endpoint, ctx.Err())
	}
	r := report{cfg: cfg, host: req.Host.Info().Name, name: name, ca: ca, outcome: o}
	r.candidates = tryCandidates(ctx, req, refs, o.chain)
	return r.response(), nil
}
