package tlsprobe

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mend-sh/mend/steps"
)

// Diagnose probes each endpoint from req.Host, in the given order, and
// reports a verdict for each and one for them all (see Output).
//
// A probe that ran is a successful diagnosis whatever it found: every
// verdict, "unreachable" and "timeout" included, comes back as output
// with a nil error, and the runbook decides what is acceptable (`expect {
// condition = self.ok }`). Diagnose returns an error only when it could
// not probe: no target host, an invalid config, ca_file or the client key
// pair missing or unparsable (ClassStep), a transport failure reading them,
// or the operator cancelling (ClassCanceled).
//
// Reading the files, each endpoint's probe (dial, handshake, first read)
// and reading the candidate files are each bounded by req.Timeout, or
// DefaultTimeout when the step has none; ctx's own deadline (the step's
// timeout) bounds them all together.
func (Probe) Diagnose(ctx context.Context, req steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	cfg, err := steps.ConfigAs[*Config](req.Config)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	if req.Host == nil {
		return steps.DiagnoseResponse{}, steps.Errorf(steps.ClassConfig,
			"tls_probe: no target host: put the step `on` the host to probe from")
	}
	targets, err := cfg.targets()
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
	fctx, cancel := context.WithTimeout(ctx, timeout)
	creds, ca, err := readCredentials(fctx, req.Host, cfg)
	cancel()
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	parts := make([]report, len(targets))
	for i, t := range targets {
		o := probeOne(ctx, req.Host, creds.session(t.name), t.endpoint, timeout)
		if errors.Is(ctx.Err(), context.Canceled) {
			return steps.DiagnoseResponse{}, fmt.Errorf("tls_probe: %s: %w", t.endpoint, ctx.Err())
		}
		parts[i] = report{cfg: cfg, host: req.Host.Info().Name, endpoint: t.endpoint, name: t.name, ca: ca, outcome: o}
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cands := readCandidates(cctx, req, refs)
	for i := range parts {
		parts[i].candidates = tryCandidates(cands, parts[i].chain)
	}
	return aggregate{parts: parts, withCandidates: len(refs) > 0}.response(), nil
}

// probeOne probes endpoint with s, bounded by timeout.
func probeOne(ctx context.Context, h steps.Host, s *session, endpoint string, timeout time.Duration) outcome {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return s.run(ctx, h, endpoint)
}
