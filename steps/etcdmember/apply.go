package etcdmember

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mend-sh/mend/internal/etcdconn"
	"github.com/mend-sh/mend/steps"
	"go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
)

// Apply surveys and decides again (the cluster may have changed since the
// plan), then makes the one change through the member that answered. A
// promotion etcd refuses because the learner is not yet in sync is
// retried every second for up to promote_wait.
func (Member) Apply(ctx context.Context, req steps.ApplyRequest) (steps.ApplyResponse, error) {
	s, d, dl, err := prepare(ctx, req.Config, req.Host)
	for start := time.Now(); err != nil && awaitingName(s, d) && time.Since(start) < s.promoteWait; {
		// The learner to promote was started but has not published its
		// name yet (it does once it has caught up): look again.
		select {
		case <-ctx.Done():
			return steps.ApplyResponse{}, ctx.Err()
		case <-time.After(time.Second):
		}
		s, d, dl, err = prepare(ctx, req.Config, req.Host)
	}
	if err != nil {
		return steps.ApplyResponse{}, err
	}
	if d.noop {
		return steps.ApplyResponse{Output: s.output(d, 0, ""), Summary: s.summary(d), Details: d.lines}, nil
	}
	cli, err := dl.Client(d.from)
	if err != nil {
		return steps.ApplyResponse{}, err
	}
	defer cli.Close()
	var id uint64
	var members []*etcdserverpb.Member
	switch s.action {
	case ActionAddLearner, ActionAddVoter:
		cctx, cancel := dl.CallContext(ctx)
		add := cli.MemberAddAsLearner
		if s.action == ActionAddVoter {
			add = cli.MemberAdd
		}
		resp, err := add(cctx, s.target.peerURLs)
		cancel()
		if err != nil {
			return steps.ApplyResponse{}, fmt.Errorf("etcd_member: member add via %s: %w", d.from.URL, err)
		}
		id, members = resp.Member.ID, resp.Members
	case ActionPromote:
		id = d.target.ID
		if err := promote(ctx, dl, d.target.ID, s.promoteWait, func(ctx context.Context) error {
			_, err := cli.MemberPromote(ctx, d.target.ID)
			return err
		}); err != nil {
			return steps.ApplyResponse{}, fmt.Errorf("etcd_member: promote %s via %s: %w", d.target.HexID(), d.from.URL, err)
		}
	case ActionRemove:
		id = d.target.ID
		cctx, cancel := dl.CallContext(ctx)
		_, err := cli.MemberRemove(cctx, d.target.ID)
		cancel()
		if err != nil {
			return steps.ApplyResponse{}, fmt.Errorf("etcd_member: remove %s via %s: %w", d.target.HexID(), d.from.URL, err)
		}
	}
	initial := initialCluster(members, id, s.name)
	lines := append([]string{}, d.lines...)
	if initial != "" {
		lines = append(lines, "start the new member now with --initial-cluster-state=existing --initial-cluster="+initial)
	}
	return steps.ApplyResponse{Changed: true, Output: s.output(d, id, initial), Summary: s.summary(d), Details: lines}, nil
}

// promote calls do until it succeeds, fails otherwise than with "not in
// sync", or wait has passed.
func promote(ctx context.Context, dl *etcdconn.Dialer, id uint64, wait time.Duration, do func(context.Context) error) error {
	deadline := time.Now().Add(wait)
	for {
		cctx, cancel := dl.CallContext(ctx)
		err := do(cctx)
		cancel()
		if err == nil || !strings.Contains(err.Error(), rpctypes.ErrMemberLearnerNotReady.Error()) {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("still not in sync after %s: %w", wait, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// initialCluster is the --initial-cluster the new member (id, named name)
// must start with: every member's name=peerURL, in the list's order.
func initialCluster(members []*etcdserverpb.Member, id uint64, name string) string {
	var parts []string
	for _, m := range members {
		n := m.Name
		if m.ID == id {
			n = name
		}
		for _, u := range m.PeerURLs {
			parts = append(parts, n+"="+u)
		}
	}
	return strings.Join(parts, ",")
}

// awaitingName says whether a promotion by name found no such member while
// a learner without a name is in the list: one that has not published its
// name yet (it was started, or is about to be).
func awaitingName(s settings, d decision) bool {
	return s.action == ActionPromote && d.target == nil && s.target.name != "" && unnamedLearner(d.members) != nil
}
