package etcdstatus

import (
	"fmt"

	"github.com/mend-sh/mend/internal/etcdconn"
)

// view is the cluster over every sample of every endpoint.
type view struct {
	s             settings
	endpoints     []endpointView
	quorum        bool // some endpoint's last linearizable read answered
	class         string
	reason        string
	membership    *etcdconn.Membership // nil without quorum
	membershipErr error
}

func newView(s settings, rounds [][]etcdconn.Sample) *view {
	v := &view{s: s}
	for i, ep := range s.endpoints {
		samples := make([]etcdconn.Sample, len(rounds))
		for r := range rounds {
			samples[r] = rounds[r][i]
		}
		e := endpointOf(ep, samples, s.slow)
		v.endpoints = append(v.endpoints, e)
		v.quorum = v.quorum || e.lastAnswered()
	}
	return v
}

// answering is an endpoint whose last read answered, to ask for the
// member list and alarms.
func (v *view) answering() (etcdconn.Endpoint, bool) {
	for _, e := range v.endpoints {
		if e.lastAnswered() {
			return e.ep, true
		}
	}
	return etcdconn.Endpoint{}, false
}

// classify sets the cluster's class and reason, after the membership is
// known: no_space when any member has the alarm; without quorum,
// no_quorum when some member answers but cannot commit, else tls_failure
// or unreachable; with quorum, the most telling endpoint class
// (tls_failure, unreachable, slow, healthy), a member cut off from the
// others counting as unreachable. `quorum` says whether the cluster can
// commit whatever the class.
func (v *view) classify() {
	if v.noSpace() {
		v.class, v.reason = etcdconn.ClassNoSpace, "the NOSPACE alarm is raised: the cluster accepts only reads and deletes until compacted, defragmented and disarmed"
		return
	}
	order := []string{etcdconn.ClassTLSFailure, etcdconn.ClassUnreachable, etcdconn.ClassNoQuorum, etcdconn.ClassSlow}
	if !v.quorum {
		order = []string{etcdconn.ClassNoQuorum, etcdconn.ClassTLSFailure, etcdconn.ClassUnreachable, etcdconn.ClassSlow}
	}
	for _, c := range order {
		for _, e := range v.endpoints {
			if e.class != c {
				continue
			}
			v.class, v.reason = c, fmt.Sprintf("%s: %s", e.ep.URL, e.reason)
			if v.quorum && c == etcdconn.ClassNoQuorum {
				v.class = etcdconn.ClassUnreachable
				v.reason = fmt.Sprintf("%s is cut off from the quorum: %s", e.ep.URL, e.reason)
			}
			if !v.quorum && c == etcdconn.ClassNoQuorum {
				v.reason = "no member completed a linearizable read: the cluster cannot commit (" + v.reason + ")"
			}
			return
		}
	}
	v.class = etcdconn.ClassHealthy
}

func (v *view) noSpace() bool {
	for _, e := range v.endpoints {
		if e.class == etcdconn.ClassNoSpace {
			return true
		}
	}
	if v.membership != nil {
		for _, a := range v.membership.Alarms {
			if a.Type == "NOSPACE" {
				return true
			}
		}
	}
	return false
}

// leader is the leader id the answering members agree on (the most
// recent Status of each), 0 when none.
func (v *view) leader() uint64 {
	votes := map[uint64]int{}
	var best uint64
	for _, e := range v.endpoints {
		if e.status == nil || e.status.Leader == 0 {
			continue
		}
		votes[e.status.Leader]++
		if votes[e.status.Leader] > votes[best] {
			best = e.status.Leader
		}
	}
	return best
}

// name is the member name of an endpoint's member, or its hex id, or "".
func (v *view) name(e endpointView) string {
	if e.status == nil {
		return ""
	}
	return v.membership.Name(e.status.Header.MemberId)
}
