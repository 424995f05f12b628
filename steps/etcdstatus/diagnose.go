package etcdstatus

import (
	"context"
	"fmt"
	"time"

	"github.com/mend-sh/mend/internal/etcdconn"
	"github.com/mend-sh/mend/steps"
)

// Diagnose samples every endpoint `samples` times, `interval` apart, from
// req.Host, then asks a member that answered for the member list and the
// alarms, and classifies each endpoint and the cluster (see Output).
//
// Whatever it finds is a successful diagnosis (no_quorum and unreachable
// included): the runbook decides what is acceptable (`expect { condition
// = self.quorum }`). Diagnose returns an error only when it could not
// probe: no target host, an invalid config, a TLS file missing or
// unparsable, a transport failure reading them, or ctx ending (the step's
// timeout or the operator). Each dial is bounded by dial_timeout and each
// RPC by call_timeout; a round takes at most dial_timeout + 2 *
// call_timeout, since endpoints are probed at the same time.
func (Status) Diagnose(ctx context.Context, req steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	cfg, err := steps.ConfigAs[*Config](req.Config)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	if req.Host == nil {
		return steps.DiagnoseResponse{}, steps.Errorf(steps.ClassConfig,
			"etcd_status: no target host: put the step `on` the host to look at etcd from")
	}
	s, err := cfg.parse()
	if err != nil {
		return steps.DiagnoseResponse{}, &steps.Error{Class: steps.ClassConfig, Err: err}
	}
	d, err := etcdconn.Dial(ctx, req.Host, s.files, s.timeouts)
	if err != nil {
		return steps.DiagnoseResponse{}, fmt.Errorf("etcd_status: %w", err)
	}
	rounds, err := sample(ctx, d, s)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	v := newView(s, rounds)
	if ep, ok := v.answering(); ok {
		v.membership, v.membershipErr = d.Membership(ctx, ep)
	}
	return v.response(), nil
}

// sample runs the rounds. It fails only when ctx ends.
func sample(ctx context.Context, d *etcdconn.Dialer, s settings) ([][]etcdconn.Sample, error) {
	var rounds [][]etcdconn.Sample
	for i := range s.samples {
		if i > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(s.interval):
			}
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("etcd_status: after %d of %d samples: %w", i, s.samples, ctx.Err())
		}
		rounds = append(rounds, d.SampleAll(ctx, s.endpoints))
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("etcd_status: %w", ctx.Err())
	}
	return rounds, nil
}
