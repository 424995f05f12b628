package etcdmaintain

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mend-sh/mend/internal/etcdconn"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
	"go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// Apply surveys and checks again, then compacts, defragments one member
// at a time (followers first) with a health check after each, disarms
// the NOSPACE alarms and verifies. It stops at the first failure, saying
// what was done.
func (Maintain) Apply(ctx context.Context, req steps.ApplyRequest) (steps.ApplyResponse, error) {
	p, err := prepare(ctx, req.Config, req.Host)
	if err != nil {
		return steps.ApplyResponse{}, err
	}
	r := &run{p: p}
	if err := r.do(ctx); err != nil {
		return steps.ApplyResponse{Details: r.log}, fmt.Errorf("%w\ndone so far:\n  %s", err, strings.Join(r.log, "\n  "))
	}
	return steps.ApplyResponse{Changed: true, Output: r.output(), Summary: r.summary(), Details: r.log}, nil
}

type defragged struct {
	t             target
	before, after int64
}

type run struct {
	p         *prepared
	log       []string
	compacted int64
	done      []defragged
	disarmed  []string
}

func (r *run) logf(format string, args ...any) { r.log = append(r.log, fmt.Sprintf(format, args...)) }

func (r *run) do(ctx context.Context) error {
	p := r.p
	cli, err := p.dl.Client(p.sv.Answering())
	if err != nil {
		return err
	}
	defer cli.Close()
	if p.s.compact {
		if err := r.compact(ctx, cli); err != nil {
			return err
		}
	}
	if p.s.defrag {
		for _, t := range p.order {
			if err := r.defrag(ctx, t); err != nil {
				return err
			}
		}
	}
	if p.s.disarm {
		if err := r.disarm(ctx, cli); err != nil {
			return err
		}
	}
	return r.verify(ctx)
}

// compact compacts to the revision a linearizable read sees now and
// waits until the compaction is physically applied (so the defrags that
// follow can free its space).
func (r *run) compact(ctx context.Context, cli *clientv3.Client) error {
	cctx, cancel := r.p.dl.CallContext(ctx)
	resp, err := cli.Get(cctx, etcdconn.HealthKey)
	cancel()
	if err != nil {
		return fmt.Errorf("etcd_maintain: read the current revision: %w", err)
	}
	rev := resp.Header.Revision
	cctx, cancel = context.WithTimeout(ctx, r.p.s.defragTimeout)
	_, err = cli.Compact(cctx, rev, clientv3.WithCompactPhysical())
	cancel()
	switch {
	case err != nil && strings.Contains(err.Error(), rpctypes.ErrCompacted.Error()):
		r.logf("revision %d was already compacted", rev)
	case err != nil:
		return fmt.Errorf("etcd_maintain: compact to revision %d: %w", rev, err)
	default:
		r.logf("compacted to revision %d", rev)
	}
	r.compacted = rev
	return nil
}

// defrag defragments one member and waits until it and the cluster are
// healthy again.
func (r *run) defrag(ctx context.Context, t target) error {
	p := r.p
	ep := t.sample.Endpoint
	cli, err := p.dl.Client(ep)
	if err != nil {
		return err
	}
	defer cli.Close()
	start := time.Now()
	dctx, cancel := context.WithTimeout(ctx, p.s.defragTimeout)
	_, err = cli.Defragment(dctx, ep.URL)
	cancel()
	if err != nil {
		return steps.Errorf(steps.ClassStep, "etcd_maintain: defragment %s (%s): %v; the members after it were not defragmented", t.name, ep.URL, err)
	}
	took := time.Since(start)
	after, err := r.settle(ctx, t)
	if err != nil {
		return err
	}
	r.done = append(r.done, defragged{t: t, before: t.dbSize, after: after})
	r.logf("defragmented %s (%s) in %s: db %s -> %s; it and the cluster are healthy", t.name, roleOf(t), took.Round(time.Millisecond), size(t.dbSize), size(after))
	return nil
}

func roleOf(t target) string {
	if t.leader {
		return "leader"
	}
	return "follower"
}

// settle waits until t's member answers a linearizable read and the
// cluster has quorum, and returns the member's db size.
func (r *run) settle(ctx context.Context, t target) (int64, error) {
	p := r.p
	deadline := time.Now().Add(p.s.settle)
	for {
		s := p.dl.Sample(ctx, t.sample.Endpoint)
		if s.Answered() && s.Status != nil {
			sv := p.dl.Survey(ctx, p.s.conn.Endpoints)
			if sv.Quorum() {
				return s.Status.DbSize, nil
			}
			s.Err = sv.Err
		}
		if time.Now().After(deadline) {
			return 0, steps.Errorf(steps.ClassStep, "etcd_maintain: after its defrag, %s is not healthy within %s (%s: %v): stopped; the members after it were not defragmented", t.name, p.s.settle, s.Class, s.Err)
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// disarm disarms every NOSPACE alarm raised now.
func (r *run) disarm(ctx context.Context, cli *clientv3.Client) error {
	p := r.p
	cctx, cancel := p.dl.CallContext(ctx)
	al, err := cli.AlarmList(cctx)
	cancel()
	if err != nil {
		return fmt.Errorf("etcd_maintain: alarm list: %w", err)
	}
	for _, a := range al.Alarms {
		if a.Alarm != etcdserverpb.AlarmType_NOSPACE {
			return steps.Errorf(steps.ClassStep, "etcd_maintain: alarm %s on %s appeared: not disarmed; it is not a space problem", a.Alarm, p.sv.Membership.Name(a.MemberID))
		}
		cctx, cancel := p.dl.CallContext(ctx)
		_, err := cli.AlarmDisarm(cctx, &clientv3.AlarmMember{MemberID: a.MemberID, Alarm: a.Alarm})
		cancel()
		if err != nil {
			return fmt.Errorf("etcd_maintain: disarm NOSPACE on %s: %w", p.sv.Membership.Name(a.MemberID), err)
		}
		r.disarmed = append(r.disarmed, "NOSPACE on "+p.sv.Membership.Name(a.MemberID))
	}
	if len(r.disarmed) > 0 {
		r.logf("disarmed %s", strings.Join(r.disarmed, ", "))
	} else {
		r.logf("no alarm to disarm")
	}
	return nil
}

// verify checks no alarm is left and every member is healthy.
func (r *run) verify(ctx context.Context) error {
	p := r.p
	deadline := time.Now().Add(p.s.settle)
	for {
		why := ""
		sv := p.dl.Survey(ctx, p.s.conn.Endpoints)
		switch {
		case !sv.Quorum():
			why = fmt.Sprint(sv.Err)
		case len(sv.Membership.Alarms) > 0:
			why = fmt.Sprintf("alarm %s on %s is raised", sv.Membership.Alarms[0].Type, sv.Membership.Name(sv.Membership.Alarms[0].MemberID))
		default:
			for _, x := range sv.Samples {
				if x.Class != etcdconn.ClassHealthy {
					why = fmt.Sprintf("%s is %s: %v", x.Endpoint.URL, x.Class, x.Err)
					break
				}
			}
		}
		if why == "" {
			r.logf("verified: no alarm, %d members healthy", len(sv.Samples))
			return nil
		}
		if time.Now().After(deadline) {
			return steps.Errorf(steps.ClassStep, "etcd_maintain: after the maintenance: %s", why)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

func (r *run) freed() int64 {
	var n int64
	for _, d := range r.done {
		n += d.before - d.after
	}
	return n
}

// summary names the defrag order, which the audit log keeps.
func (r *run) summary() string {
	var parts []string
	if r.p.s.compact {
		parts = append(parts, fmt.Sprintf("compacted to revision %d", r.compacted))
	}
	if len(r.done) > 0 {
		var d []string
		for _, x := range r.done {
			d = append(d, fmt.Sprintf("%s (%s, %s -> %s)", x.t.name, roleOf(x.t), size(x.before), size(x.after)))
		}
		parts = append(parts, "defragmented in order: "+strings.Join(d, ", ")+"; freed "+size(r.freed()))
	}
	if len(r.disarmed) > 0 {
		parts = append(parts, "disarmed "+strings.Join(r.disarmed, ", "))
	}
	return strings.Join(parts, "; ")
}

// Output is etcd_maintain's result: compacted_revision (0 when not
// compacted), defrag_order (member names, in order), freed_bytes,
// disarmed (alarms, "NOSPACE on NAME"), members (per defragmented member:
// name, endpoint, leader, db_size_before, db_size_after).
func (Maintain) Output() cty.Type {
	return cty.Object(map[string]cty.Type{
		"compacted_revision": cty.Number, "defrag_order": cty.List(cty.String), "freed_bytes": cty.Number,
		"disarmed": cty.List(cty.String),
		"members": cty.List(cty.Object(map[string]cty.Type{
			"name": cty.String, "endpoint": cty.String, "leader": cty.Bool, "db_size_before": cty.Number, "db_size_after": cty.Number,
		})),
	})
}

func (r *run) output() cty.Value {
	order := []cty.Value{}
	members := []cty.Value{}
	for _, d := range r.done {
		order = append(order, cty.StringVal(d.t.name))
		members = append(members, cty.ObjectVal(map[string]cty.Value{
			"name": cty.StringVal(d.t.name), "endpoint": cty.StringVal(d.t.sample.Endpoint.URL), "leader": cty.BoolVal(d.t.leader),
			"db_size_before": cty.NumberIntVal(d.before), "db_size_after": cty.NumberIntVal(d.after),
		}))
	}
	disarmed := []cty.Value{}
	for _, a := range r.disarmed {
		disarmed = append(disarmed, cty.StringVal(a))
	}
	memberTy := Maintain{}.Output().AttributeType("members").ElementType()
	list := func(vs []cty.Value, ty cty.Type) cty.Value {
		if len(vs) == 0 {
			return cty.ListValEmpty(ty)
		}
		return cty.ListVal(vs)
	}
	return cty.ObjectVal(map[string]cty.Value{
		"compacted_revision": cty.NumberIntVal(r.compacted), "defrag_order": list(order, cty.String),
		"freed_bytes": cty.NumberIntVal(r.freed()), "disarmed": list(disarmed, cty.String), "members": list(members, memberTy),
	})
}
