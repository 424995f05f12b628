package etcdmember

import (
	"context"
	"fmt"
	"strings"

	"github.com/mend-sh/mend/internal/etcdconn"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Plan surveys the cluster from req.Host (read-only: Status, a
// linearizable read, the member list and alarms) and applies the quorum
// rules. A refused change is an error (steps.ClassStep) saying why, so the
// plan stops there; an allowed one is previewed with the arithmetic.
func (Member) Plan(ctx context.Context, req steps.PlanRequest) (steps.PlanResponse, error) {
	s, d, _, err := prepare(ctx, req.Config, req.Host)
	if err != nil {
		return steps.PlanResponse{}, err
	}
	p := steps.Preview{Summary: s.summary(d), Changes: d.lines}
	if d.noop {
		return steps.PlanResponse{Action: steps.NoOp, Preview: p, Output: s.output(d, 0, "")}, nil
	}
	return steps.PlanResponse{Action: steps.Change, Preview: p, Output: cty.UnknownVal(Member{}.Output())}, nil
}

// prepare parses the config, dials, surveys and decides. A refusal, or no
// quorum, is an error.
func prepare(ctx context.Context, config any, h steps.Host) (settings, decision, *etcdconn.Dialer, error) {
	cfg, err := steps.ConfigAs[*Config](config)
	if err != nil {
		return settings{}, decision{}, nil, err
	}
	if h == nil {
		return settings{}, decision{}, nil, steps.Errorf(steps.ClassConfig, "etcd_member: no target host: put the step `on` the host to reach etcd from")
	}
	s, err := cfg.parse()
	if err != nil {
		return s, decision{}, nil, &steps.Error{Class: steps.ClassConfig, Err: err}
	}
	dl, err := etcdconn.Dial(ctx, h, s.conn.Files, s.conn.Timeouts)
	if err != nil {
		return s, decision{}, nil, fmt.Errorf("etcd_member: %w", err)
	}
	sv := dl.Survey(ctx, s.conn.Endpoints)
	if !sv.Quorum() {
		return s, decision{}, nil, steps.Errorf(steps.ClassStep,
			"etcd_member: refusing %s: the cluster has no quorum, and every membership change needs it (%v). Membership cannot be repaired through the API now: if a voting member was added that never started (the 1 -> 2 trap), etcd_force_new_cluster on the surviving member gets out; otherwise see the etcd-restore runbook", s.action, sv.Err)
	}
	for _, a := range sv.Membership.Alarms {
		return s, decision{}, nil, steps.Errorf(steps.ClassStep,
			"etcd_member: refusing %s: alarm %s is raised on member %s; clear it first (etcd_maintain)", s.action, a.Type, sv.Membership.Name(a.MemberID))
	}
	d := decide(cluster{members: sv.Membership.Members, healthy: sv.HealthyIDs()}, s.action, s.target, s.allowUnsafe)
	d.from, d.version = sv.Answering(), sv.Version()
	d.members = sv.Membership.Members
	if d.refusal != "" {
		return s, d, nil, steps.Errorf(steps.ClassStep, "etcd_member: refusing %s: %s (etcd %s via %s).\n%s", s.what(), d.refusal, d.version, d.from.URL, strings.Join(d.lines, "\n"))
	}
	return s, d, dl, nil
}

func (s settings) what() string {
	switch s.action {
	case ActionAddLearner:
		return fmt.Sprintf("to add %s %v as a learner", s.name, s.target.peerURLs)
	case ActionAddVoter:
		return fmt.Sprintf("to add %s %v as a voting member", s.name, s.target.peerURLs)
	case ActionPromote:
		return fmt.Sprintf("to promote %s", s.target)
	}
	return fmt.Sprintf("to remove %s", s.target)
}

func (s settings) summary(d decision) string {
	if d.noop {
		return fmt.Sprintf("no change: %s (etcd %s via %s)", d.lines[len(d.lines)-1], d.version, d.from.URL)
	}
	return fmt.Sprintf("%s: voters %d -> %d, quorum %d -> %d (etcd %s via %s)", strings.TrimPrefix(s.what(), "to "),
		d.votersBefore, d.votersAfter, etcdconn.Quorum(d.votersBefore), etcdconn.Quorum(d.votersAfter), d.version, d.from.URL)
}
