package etcdmaintain

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/mend-sh/mend/internal/etcdconn"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// target is one member to defragment.
type target struct {
	name     string
	sample   etcdconn.Sample
	leader   bool
	dbSize   int64
	dbInUse  int64
	memberID uint64
}

// prepared is what Plan and Apply know before changing anything.
type prepared struct {
	s      settings
	dl     *etcdconn.Dialer
	sv     *etcdconn.Survey
	order  []target // followers by name, then the leader
	alarms []etcdconn.Alarm
	rev    int64
}

// prepare surveys the cluster and refuses what is unsafe: no quorum, a
// member that does not answer (a defrag blocks a member, so another one
// down could cost quorum), a CORRUPT alarm (not a space problem).
func prepare(ctx context.Context, config any, h steps.Host) (*prepared, error) {
	cfg, err := steps.ConfigAs[*Config](config)
	if err != nil {
		return nil, err
	}
	if h == nil {
		return nil, steps.Errorf(steps.ClassConfig, "etcd_maintain: no target host: put the step `on` the host to reach etcd from")
	}
	s, err := cfg.parse()
	if err != nil {
		return nil, &steps.Error{Class: steps.ClassConfig, Err: err}
	}
	dl, err := etcdconn.Dial(ctx, h, s.conn.Files, s.conn.Timeouts)
	if err != nil {
		return nil, fmt.Errorf("etcd_maintain: %w", err)
	}
	p := &prepared{s: s, dl: dl, sv: dl.Survey(ctx, s.conn.Endpoints)}
	if !p.sv.Quorum() {
		return nil, steps.Errorf(steps.ClassStep, "etcd_maintain: refusing: the cluster has no quorum (%v); compaction and disarming need it. If members are down for good, see the etcd-restore runbook", p.sv.Err)
	}
	for _, x := range p.sv.Samples {
		if !x.Answered() || x.Status == nil {
			return nil, steps.Errorf(steps.ClassStep, "etcd_maintain: refusing: %s is %s (%v): a defrag blocks the member it runs on, so with another member down it could cost the cluster its quorum. Bring that member back (or replace it) first", x.Endpoint.URL, x.Class, x.Err)
		}
		st := x.Status
		p.order = append(p.order, target{name: p.sv.Membership.Name(st.Header.MemberId), sample: x, leader: st.Leader == st.Header.MemberId,
			dbSize: st.DbSize, dbInUse: st.DbSizeInUse, memberID: st.Header.MemberId})
		p.rev = max(p.rev, st.Header.Revision)
	}
	sort.SliceStable(p.order, func(i, j int) bool {
		if p.order[i].leader != p.order[j].leader {
			return !p.order[i].leader
		}
		return p.order[i].name < p.order[j].name
	})
	p.alarms = p.sv.Membership.Alarms
	for _, a := range p.alarms {
		if a.Type != "NOSPACE" {
			return nil, steps.Errorf(steps.ClassStep, "etcd_maintain: refusing: alarm %s on %s is not a space problem (CORRUPT means the members' data differ): compare the members' hashes and restore from a snapshot instead", a.Type, p.sv.Membership.Name(a.MemberID))
		}
	}
	return p, nil
}

// Plan shows the alarms, the compaction revision, the defrag order with
// the space each member is expected to free at least, and the disarm.
func (Maintain) Plan(ctx context.Context, req steps.PlanRequest) (steps.PlanResponse, error) {
	p, err := prepare(ctx, req.Config, req.Host)
	if err != nil {
		return steps.PlanResponse{}, err
	}
	return steps.PlanResponse{Action: steps.Change, Output: cty.UnknownVal(Maintain{}.Output()),
		Preview: steps.Preview{Summary: p.summary(), Changes: p.lines()}}, nil
}

func (p *prepared) alarmText() string {
	if len(p.alarms) == 0 {
		return "no alarms"
	}
	var parts []string
	for _, a := range p.alarms {
		parts = append(parts, a.Type+" on "+p.sv.Membership.Name(a.MemberID))
	}
	return "alarms " + strings.Join(parts, ", ")
}

func (p *prepared) names() []string {
	var out []string
	for _, t := range p.order {
		out = append(out, t.name)
	}
	return out
}

func (p *prepared) freeable() int64 {
	var n int64
	for _, t := range p.order {
		n += max(0, t.dbSize-t.dbInUse)
	}
	return n
}

func (p *prepared) summary() string {
	var do []string
	if p.s.compact {
		do = append(do, fmt.Sprintf("compact to revision %d", p.rev))
	}
	if p.s.defrag {
		do = append(do, fmt.Sprintf("defragment %s one at a time (leader last), freeing at least %s", strings.Join(p.names(), ", "), size(p.freeable())))
	}
	if p.s.disarm && len(p.alarms) > 0 {
		do = append(do, fmt.Sprintf("disarm %d NOSPACE alarm(s)", len(p.alarms)))
	}
	return fmt.Sprintf("%s (%s now)", strings.Join(do, "; "), p.alarmText())
}

func (p *prepared) lines() []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	add("now: %s; revision %d", p.alarmText(), p.rev)
	n := 1
	if p.s.compact {
		add("%d. compact the key history to the current revision (%d now; apply reports the one used): older revisions are gone for good", n, p.rev)
		n++
	}
	if p.s.defrag {
		add("%d. defragment one member at a time, followers first, the leader last; after each, wait up to %s for it and the cluster to be healthy, stop at the first failure:", n, p.s.settle)
		for i, t := range p.order {
			role := "follower"
			if t.leader {
				role = "leader"
			}
			add("   %d) %s (%s, %s): db %s, in use %s: frees at least %s (more after the compaction)", i+1, t.name, role, t.sample.Endpoint.URL, size(t.dbSize), size(t.dbInUse), size(max(0, t.dbSize-t.dbInUse)))
		}
		n++
	}
	if p.s.disarm {
		if len(p.alarms) == 0 {
			add("%d. disarm NOSPACE alarms: none raised now", n)
		} else {
			add("%d. disarm: %s", n, p.alarmText())
		}
		n++
	}
	add("%d. verify: no alarm left, every member healthy", n)
	return out
}

// size is n bytes for people.
func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
