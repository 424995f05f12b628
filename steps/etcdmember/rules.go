package etcdmember

import (
	"fmt"
	"slices"

	"github.com/mend-sh/mend/internal/etcdconn"
)

// The actions.
const (
	ActionAddLearner = "add_learner"
	ActionPromote    = "promote"
	ActionRemove     = "remove"
	ActionAddVoter   = "add_voter"
)

// cluster is what decide needs to know.
type cluster struct {
	members []etcdconn.Member
	healthy map[uint64]bool // voters and learners that answered
}

// decision is decide's verdict.
type decision struct {
	noop                      bool
	refusal                   string   // non-empty: refused, and why
	override                  string   // the refusal allow_unsafe overrode
	lines                     []string // the arithmetic, for the plan
	target                    *etcdconn.Member
	votersBefore, votersAfter int
	from                      etcdconn.Endpoint // the member the change goes through
	version                   string            // the server version from reported
	members                   []etcdconn.Member
}

// decide applies the quorum rules to an action on c. want names the
// member (by name or hex id) for promote and remove, and carries the
// peer URLs for adds.
func decide(c cluster, action string, want target, allowUnsafe bool) decision {
	voters, healthyVoters, learners := 0, 0, 0
	for _, m := range c.members {
		if m.IsLearner {
			learners++
			continue
		}
		voters++
		if c.healthy[m.ID] {
			healthyVoters++
		}
	}
	d := decision{votersBefore: voters, votersAfter: voters}
	d.target = want.find(c.members)
	d.lines = append(d.lines, fmt.Sprintf("now: %d voters (%d healthy), %d learners; quorum %d, tolerates %d failure(s)",
		voters, healthyVoters, learners, etcdconn.Quorum(voters), etcdconn.Tolerates(voters)))
	var unsafe string
	switch action {
	case ActionAddLearner:
		if d.target != nil {
			d.noop = true
			d.lines = append(d.lines, fmt.Sprintf("a member with peer URLs %v already exists (%s): nothing to add", want.peerURLs, describe(*d.target)))
			return d
		}
		d.lines = append(d.lines, fmt.Sprintf("after: %d voters, %d learners; quorum %d (learners do not vote: quorum unchanged)", voters, learners+1, etcdconn.Quorum(voters)))
		if learners > 0 {
			d.refusal = fmt.Sprintf("the cluster already has %d learner(s), and etcd allows one (--max-learners): promote or remove it first", learners)
		}
	case ActionAddVoter:
		if d.target != nil {
			d.noop = true
			d.lines = append(d.lines, fmt.Sprintf("a member with peer URLs %v already exists (%s): nothing to add", want.peerURLs, describe(*d.target)))
			return d
		}
		d.votersAfter = voters + 1
		q := etcdconn.Quorum(d.votersAfter)
		d.lines = append(d.lines, fmt.Sprintf("after: %d voters, of which %d started and healthy until the new member starts; quorum %d", d.votersAfter, healthyVoters, q))
		switch {
		case voters == 1:
			unsafe = fmt.Sprintf("a voting add to a 1-member cluster makes the quorum 2 while only 1 member runs: the cluster cannot commit (and the add cannot be undone: member remove needs quorum too) until the new member has started and caught up. Add it with action = %q, start it, then promote it", ActionAddLearner)
		case healthyVoters < q:
			unsafe = fmt.Sprintf("after the add the quorum is %d, but only %d voters are healthy until the new member starts: the cluster would lose quorum. Add it as a learner (action = %q), start it, then promote it", q, healthyVoters, ActionAddLearner)
		default:
			d.lines = append(d.lines, fmt.Sprintf("a learner first (action = %q), then promote, is still safer: a voter that never starts lowers the failures tolerated", ActionAddLearner))
		}
	case ActionPromote:
		unnamed := unnamedLearner(c.members)
		switch {
		case d.target == nil && unnamed != nil:
			d.refusal = fmt.Sprintf("no member %s in the member list; learner %s %v has no name yet: it has not started, or has not caught up (apply waits up to promote_wait for it to publish its name)",
				want, unnamed.HexID(), unnamed.PeerURLs)
		case d.target == nil:
			d.refusal = fmt.Sprintf("no member %s in the member list", want)
		case !d.target.IsLearner:
			d.noop = true
			d.lines = append(d.lines, fmt.Sprintf("%s is already a voter: nothing to promote", describe(*d.target)))
		case !d.target.Started():
			d.refusal = fmt.Sprintf("learner %s has never started: start it with --initial-cluster-state=existing, let it catch up, then promote", d.target.HexID())
		default:
			d.votersAfter = voters + 1
			d.lines = append(d.lines, fmt.Sprintf("after: %d voters, %d learners; quorum %d, tolerates %d failure(s)",
				d.votersAfter, learners-1, etcdconn.Quorum(d.votersAfter), etcdconn.Tolerates(d.votersAfter)))
			d.lines = append(d.lines, "etcd refuses the promotion until the learner is in sync with the leader; apply retries for up to promote_wait")
		}
	case ActionRemove:
		switch {
		case d.target == nil:
			d.noop = true
			d.lines = append(d.lines, fmt.Sprintf("no member %s in the member list: nothing to remove", want))
		case d.target.IsLearner:
			d.lines = append(d.lines, fmt.Sprintf("after: %d voters, %d learners; quorum %d (a learner does not vote)", voters, learners-1, etcdconn.Quorum(voters)))
		default:
			d.votersAfter = voters - 1
			remaining := healthyVoters
			if c.healthy[d.target.ID] {
				remaining--
			}
			q := etcdconn.Quorum(d.votersAfter)
			d.lines = append(d.lines, fmt.Sprintf("after: %d voters (%d healthy); quorum %d, tolerates %d failure(s)",
				d.votersAfter, remaining, q, max(0, etcdconn.Tolerates(d.votersAfter))))
			switch {
			case voters == 1:
				d.refusal = "it is the only voter: removing it would end the cluster"
			case voters == 2:
				unsafe = "it is unsafe to remove a member from a 2-member cluster: its quorum is also 2, so if the remaining member misses the change the cluster cannot commit. Add a third member (as a learner, then promote) first, or restore from a snapshot"
			case remaining < q:
				unsafe = fmt.Sprintf("after the removal the quorum is %d, but only %d of the remaining voters are healthy", q, remaining)
			}
		}
	}
	if unsafe != "" {
		if allowUnsafe {
			d.override = unsafe
			d.lines = append(d.lines, "OVERRIDDEN by allow_unsafe = true: "+unsafe)
		} else {
			d.refusal = unsafe + " (allow_unsafe = true overrides this; it needs its own approval)"
		}
	}
	return d
}

func describe(m etcdconn.Member) string {
	role := "voter"
	if m.IsLearner {
		role = "learner"
	}
	name := m.Name
	if name == "" {
		name = "(never started)"
	}
	return fmt.Sprintf("%s %s %s %v", role, m.HexID(), name, m.PeerURLs)
}

// target names the member an action is about.
type target struct {
	name     string   // member name or hex id (promote, remove)
	peerURLs []string // adds: the new member's peer URLs
}

func (t target) String() string {
	if t.name != "" {
		return fmt.Sprintf("%q", t.name)
	}
	return fmt.Sprint(t.peerURLs)
}

// find returns the member t names, by name, hex id or a shared peer URL.
func (t target) find(ms []etcdconn.Member) *etcdconn.Member {
	for i, m := range ms {
		if t.name != "" && (m.Name == t.name || m.HexID() == t.name) {
			return &ms[i]
		}
		for _, u := range t.peerURLs {
			if slices.Contains(m.PeerURLs, u) {
				return &ms[i]
			}
		}
	}
	return nil
}

// unnamedLearner is a learner that has not published its name, if any.
func unnamedLearner(ms []etcdconn.Member) *etcdconn.Member {
	for i, m := range ms {
		if m.IsLearner && m.Name == "" {
			return &ms[i]
		}
	}
	return nil
}
