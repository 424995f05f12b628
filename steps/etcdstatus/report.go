package etcdstatus

import (
	"fmt"
	"strings"

	"github.com/mend-sh/mend/internal/etcdconn"
	"github.com/mend-sh/mend/steps"
	"go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// totals are the cluster-wide figures: the highest over the endpoints'
// latest Status, and the first version seen.
type totals struct {
	version                 string
	revision, dbSize, inUse int64
	quota                   int64
	term, index             uint64
}

func (v *view) totals() totals {
	var t totals
	for _, e := range v.endpoints {
		if e.status == nil {
			continue
		}
		st := e.status
		if t.version == "" {
			t.version = st.Version
		}
		t.revision = max(t.revision, st.Header.Revision)
		t.dbSize, t.inUse = max(t.dbSize, st.DbSize), max(t.inUse, st.DbSizeInUse)
		t.quota = max(t.quota, st.DbSizeQuota)
		t.term, t.index = max(t.term, st.RaftTerm), max(t.index, st.RaftIndex)
	}
	return t
}

func (v *view) alarms() []string {
	if v.membership == nil {
		return nil
	}
	var out []string
	for _, a := range v.membership.Alarms {
		out = append(out, a.Type+" on "+v.membership.Name(a.MemberID))
	}
	return out
}

// count is the number of learners (true) or voters (false) listed.
func (v *view) count(learners bool) int {
	n := 0
	if v.membership != nil {
		for _, m := range v.membership.Members {
			if m.IsLearner == learners {
				n++
			}
		}
	}
	return n
}

func (e endpointView) statusOrZero() *clientv3.StatusResponse {
	if e.status == nil {
		return &clientv3.StatusResponse{Header: &etcdserverpb.ResponseHeader{}}
	}
	return e.status
}

func (e endpointView) memberID() string {
	if e.status == nil {
		return ""
	}
	return etcdconn.HexID(e.status.Header.MemberId)
}

// response is the step's result: the output, a one-line summary and one
// detail line per endpoint, then the bounds used.
func (v *view) response() steps.DiagnoseResponse {
	v.classify()
	return steps.DiagnoseResponse{Output: v.output(), Summary: v.summary(), Details: v.details()}
}

func (v *view) summary() string {
	t := v.totals()
	parts := []string{v.class}
	if v.quorum {
		parts = append(parts, fmt.Sprintf("quorum yes (%d of %d endpoints healthy)", v.healthy(), len(v.endpoints)))
	} else {
		parts = append(parts, "quorum NO")
	}
	if l := v.leader(); l != 0 {
		parts = append(parts, "leader "+v.membership.Name(l))
	}
	if v.membership != nil {
		parts = append(parts, fmt.Sprintf("%d voters, %d learners", v.count(false), v.count(true)))
	}
	if t.version != "" {
		parts = append(parts, fmt.Sprintf("revision %d, db %s (in use %s)%s, etcd %s",
			t.revision, bytes(t.dbSize), bytes(t.inUse), quota(t.quota), t.version))
	}
	if a := v.alarms(); len(a) > 0 {
		parts = append(parts, "alarms: "+strings.Join(a, ", "))
	}
	return strings.Join(parts, "; ")
}

func (v *view) healthy() int {
	n := 0
	for _, e := range v.endpoints {
		if e.class == etcdconn.ClassHealthy {
			n++
		}
	}
	return n
}

func (v *view) details() []string {
	var out []string
	leader := v.leader()
	for _, e := range v.endpoints {
		line := fmt.Sprintf("%s: %s, %d/%d samples answered", e.ep.URL, e.class, e.answered, len(e.samples))
		if n := v.name(e); n != "" {
			line = fmt.Sprintf("%s (%s): %s, %d/%d samples answered", e.ep.URL, n, e.class, e.answered, len(e.samples))
		}
		if e.answered > 0 {
			line += fmt.Sprintf(", latency p50 %s max %s", round(e.p50()), round(e.max()))
		}
		if st := e.status; st != nil {
			role := "follower"
			switch {
			case st.IsLearner:
				role = "learner"
			case st.Header.MemberId == leader:
				role = "leader"
			}
			line += fmt.Sprintf(", %s, term %d index %d revision %d, db %s (in use %s), etcd %s",
				role, st.RaftTerm, st.RaftIndex, st.Header.Revision, bytes(st.DbSize), bytes(st.DbSizeInUse), st.Version)
		}
		if e.reason != "" {
			line += ": " + e.reason
		}
		out = append(out, line)
	}
	if v.membershipErr != nil {
		out = append(out, "member list and alarms: "+v.membershipErr.Error())
	} else if v.membership == nil {
		out = append(out, "member list and alarms: not asked (no member completed a linearizable read; etcd 3.4 needs quorum to list them)")
	}
	return append(out, fmt.Sprintf("timeouts: %s; slow over %s; %d samples %s apart", v.s.timeouts, v.s.slow, v.s.samples, v.s.interval))
}

func quota(q int64) string {
	if q <= 0 {
		return ""
	}
	return ", quota " + bytes(q)
}

// bytes renders a size as "20.5 kB" (SI units, as etcdctl prints them).
func bytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, exp := float64(n)/unit, 0
	for f >= unit && exp < 4 {
		f /= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", f, "kMGTP"[exp])
}
