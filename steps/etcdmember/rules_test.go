package etcdmember

import (
	"strings"
	"testing"

	"github.com/mend-sh/mend/internal/etcdconn"
)

// TestDecide checks the quorum arithmetic on member lists etcd could
// return, without a cluster: which changes are refused, and why.
func TestDecide(t *testing.T) {
	voter := func(id uint64, name string) etcdconn.Member {
		return etcdconn.Member{ID: id, Name: name, PeerURLs: []string{"https://" + name + ":2380"}}
	}
	learner := etcdconn.Member{ID: 9, Name: "l", PeerURLs: []string{"https://l:2380"}, IsLearner: true}
	three := []etcdconn.Member{voter(1, "a"), voter(2, "b"), voter(3, "c")}
	all := map[uint64]bool{1: true, 2: true, 3: true}
	newPeer := target{peerURLs: []string{"https://d:2380"}}
	cases := []struct {
		name    string
		members []etcdconn.Member
		healthy map[uint64]bool
		action  string
		target  target
		unsafe  bool
		refusal string // substring; "" allowed
		noop    bool
	}{
		{"voter add to 1", three[:1], all, ActionAddVoter, newPeer, false, "a voting add to a 1-member cluster", false},
		{"voter add to 1, overridden", three[:1], all, ActionAddVoter, newPeer, true, "", false},
		{"voter add to 3 healthy", three, all, ActionAddVoter, newPeer, false, "", false},
		{"voter add to 3 with one down", three, map[uint64]bool{1: true, 2: true}, ActionAddVoter, newPeer, false, "only 2 voters are healthy", false},
		{"learner add to 1", three[:1], all, ActionAddLearner, newPeer, false, "", false},
		{"second learner", append(three[:1:1], learner), all, ActionAddLearner, newPeer, false, "already has 1 learner", false},
		{"learner add again", append(three[:1:1], learner), all, ActionAddLearner, target{peerURLs: learner.PeerURLs}, false, "", true},
		{"remove from 2", three[:2], all, ActionRemove, target{name: "b"}, false, "unsafe to remove a member from a 2-member cluster", false},
		{"remove the only voter", three[:1], all, ActionRemove, target{name: "a"}, true, "the only voter", false},
		{"remove a down member of 3", three, map[uint64]bool{1: true, 2: true}, ActionRemove, target{name: "c"}, false, "", false},
		{"remove a healthy member of 3 with one down", three, map[uint64]bool{1: true, 2: true}, ActionRemove, target{name: "a"}, false, "only 1 of the remaining voters", false},
		{"remove a learner", append(three[:1:1], learner), all, ActionRemove, target{name: "l"}, false, "", false},
		{"remove by hex id", three, all, ActionRemove, target{name: "3"}, false, "", false},
		{"remove an absent member", three, all, ActionRemove, target{name: "zz"}, false, "", true},
		{"promote a voter", three, all, ActionPromote, target{name: "a"}, false, "", true},
		{"promote by a name not published yet", append(three[:1:1], etcdconn.Member{ID: 9, IsLearner: true, PeerURLs: []string{"https://m2:2380"}}), all, ActionPromote, target{name: "m2"}, false, "has no name yet", false},
		{"promote an absent member", three, all, ActionPromote, target{name: "zz"}, false, `no member "zz" in the member list`, false},
		{"promote an unstarted learner", append(three[:1:1], etcdconn.Member{ID: 9, IsLearner: true}), all, ActionPromote, target{name: "9"}, false, "has never started", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := decide(cluster{members: tc.members, healthy: tc.healthy}, tc.action, tc.target, tc.unsafe)
			if tc.refusal == "" && d.refusal != "" || tc.refusal != "" && !strings.Contains(d.refusal, tc.refusal) {
				t.Errorf("refusal %q, want %q\n%s", d.refusal, tc.refusal, strings.Join(d.lines, "\n"))
			}
			if d.noop != tc.noop {
				t.Errorf("noop %v, want %v", d.noop, tc.noop)
			}
		})
	}
}

// TestAwaitingName: apply waits for a learner's name only when a promotion
// by name finds nothing and an unnamed learner is there.
func TestAwaitingName(t *testing.T) {
	unnamed := []etcdconn.Member{{ID: 1, Name: "a"}, {ID: 9, IsLearner: true}}
	named := []etcdconn.Member{{ID: 1, Name: "a"}, {ID: 9, Name: "l", IsLearner: true}}
	for _, tc := range []struct {
		s    settings
		d    decision
		want bool
	}{
		{settings{action: ActionPromote, target: target{name: "m2"}}, decision{members: unnamed}, true},
		{settings{action: ActionPromote, target: target{name: "m2"}}, decision{members: named}, false},
		{settings{action: ActionPromote, target: target{name: "m2"}}, decision{members: unnamed, target: &unnamed[1]}, false},
		{settings{action: ActionRemove, target: target{name: "m2"}}, decision{members: unnamed}, false},
	} {
		if got := awaitingName(tc.s, tc.d); got != tc.want {
			t.Errorf("awaitingName(%+v, members %v) = %v, want %v", tc.s, tc.d.members, got, tc.want)
		}
	}
}
