package etcdforce

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mend-sh/mend/internal/etcdconn"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Apply checks again, then stops the member, starts it once with
// --force-new-cluster (force_start_command), waits until it serves as the
// only member, stops it, starts it normally and verifies its data.
func (Force) Apply(ctx context.Context, req steps.ApplyRequest) (steps.ApplyResponse, error) {
	st, err := look(ctx, req.Config, req.Host)
	if err != nil {
		return steps.ApplyResponse{}, err
	}
	var log []string
	fail := func(err error) (steps.ApplyResponse, error) {
		return steps.ApplyResponse{Details: log}, fmt.Errorf("%w\ndone so far:\n  %s", err, strings.Join(log, "\n  "))
	}
	run := func(what, cmd string) error {
		res, err := req.Host.Exec(ctx, steps.ExecRequest{Command: cmd})
		if err != nil {
			return fmt.Errorf("etcd_force_new_cluster: %s: %w", what, err)
		}
		if res.ExitCode != 0 {
			return steps.Errorf(steps.ClassStep, "etcd_force_new_cluster: %s (%s): exit %d", what, cmd, res.ExitCode)
		}
		log = append(log, "ran "+cmd)
		return nil
	}
	if err := run("stop_command", st.cfg.StopCommand); err != nil {
		return fail(err)
	}
	if err := st.waitSilent(ctx, req.Host); err != nil {
		return fail(err)
	}
	if err := run("force_start_command", st.cfg.ForceStartCommand); err != nil {
		return fail(err)
	}
	if _, err := st.waitAlone(ctx); err != nil {
		return fail(err)
	}
	log = append(log, "it serves as the only member")
	if err := run("stop_command", st.cfg.StopCommand); err != nil {
		return fail(err)
	}
	if err := st.waitSilent(ctx, req.Host); err != nil {
		return fail(err)
	}
	if err := run("start_command", st.cfg.StartCommand); err != nil {
		return fail(err)
	}
	after, err := st.waitAlone(ctx)
	if err != nil {
		return fail(err)
	}
	if after.revision < st.revision || after.keys != st.keys {
		return fail(steps.Errorf(steps.ClassStep, "etcd_force_new_cluster: data check failed: revision %d -> %d, keys %d -> %d", st.revision, after.revision, st.keys, after.keys))
	}
	log = append(log, fmt.Sprintf("verified: healthy, 1 member, revision %d -> %d, keys %d -> %d, etcd %s", st.revision, after.revision, st.keys, after.keys, after.version))
	return steps.ApplyResponse{Changed: true, Details: log,
		Summary: fmt.Sprintf("%s is a 1-member cluster again (forced new cluster, then restarted normally): revision %d, %d keys kept", st.ep.URL, after.revision, after.keys),
		Output: cty.ObjectVal(map[string]cty.Value{
			"member_id": cty.StringVal(etcdconn.HexID(after.id)), "revision_before": cty.NumberIntVal(st.revision),
			"revision_after": cty.NumberIntVal(after.revision), "keys_before": cty.NumberIntVal(st.keys),
			"keys_after": cty.NumberIntVal(after.keys), "version": cty.StringVal(after.version),
		})}, nil
}

func (st *state) waitSilent(ctx context.Context, h steps.Host) error {
	deadline := time.Now().Add(st.s.wait)
	for answers(ctx, h, st.ep.Addr) {
		if time.Now().After(deadline) {
			return steps.Errorf(steps.ClassStep, "etcd_force_new_cluster: %s still answers %s after stop_command", st.ep.Addr, st.s.wait)
		}
		if err := sleep(ctx, 500*time.Millisecond); err != nil {
			return err
		}
	}
	return nil
}

type seen struct {
	id       uint64
	revision int64
	keys     int64
	version  string
}

// waitAlone waits until the member answers a linearizable read and lists
// itself as the only member.
func (st *state) waitAlone(ctx context.Context) (seen, error) {
	deadline := time.Now().Add(st.s.wait)
	for {
		s, why := st.alone(ctx)
		if why == "" {
			return s, nil
		}
		if time.Now().After(deadline) {
			return s, steps.Errorf(steps.ClassStep, "etcd_force_new_cluster: %s is not serving alone after %s: %s", st.ep.URL, st.s.wait, why)
		}
		if err := sleep(ctx, time.Second); err != nil {
			return s, err
		}
	}
}

func (st *state) alone(ctx context.Context) (seen, string) {
	smp := st.dl.Sample(ctx, st.ep)
	if !smp.Answered() || smp.Status == nil {
		return seen{}, fmt.Sprintf("%s: %v", smp.Class, smp.Err)
	}
	m, err := st.dl.Membership(ctx, st.ep)
	if err != nil {
		return seen{}, err.Error()
	}
	if len(m.Members) != 1 {
		return seen{}, fmt.Sprintf("%d members listed", len(m.Members))
	}
	cli, err := st.dl.Client(st.ep)
	if err != nil {
		return seen{}, err.Error()
	}
	defer cli.Close()
	keys, err := countKeys(ctx, st.dl, cli)
	if err != nil {
		return seen{}, err.Error()
	}
	return seen{id: smp.Status.Header.MemberId, revision: smp.Status.Header.Revision, keys: keys, version: smp.Status.Version}, ""
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
