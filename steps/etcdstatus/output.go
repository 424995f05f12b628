package etcdstatus

import (
	"github.com/mend-sh/mend/internal/etcdconn"
	"github.com/zclconf/go-cty/cty"
)

var memberType = cty.Object(map[string]cty.Type{
	"id":          cty.String,
	"name":        cty.String,
	"peer_urls":   cty.List(cty.String),
	"client_urls": cty.List(cty.String),
	"is_learner":  cty.Bool,
	"started":     cty.Bool,
})

var endpointType = cty.Object(map[string]cty.Type{
	"endpoint":       cty.String,
	"name":           cty.String,
	"member_id":      cty.String,
	"class":          cty.String,
	"ok":             cty.Bool,
	"error":          cty.String,
	"is_leader":      cty.Bool,
	"is_learner":     cty.Bool,
	"version":        cty.String,
	"raft_term":      cty.Number,
	"raft_index":     cty.Number,
	"revision":       cty.Number,
	"db_size":        cty.Number,
	"db_size_in_use": cty.Number,
	"answered":       cty.Number,
	"samples":        cty.Number,
	"latency_ms":     cty.Number,
	"latency_p50_ms": cty.Number,
})

// Output is etcd_status's result:
//
//	class           healthy, slow, no_quorum, tls_failure, unreachable or
//	                no_space: the most telling problem of any endpoint
//	                (see view.classify); healthy only when every endpoint
//	                answered every sample within slow_threshold
//	ok              class == "healthy"
//	quorum          a linearizable read completed in the last sample (the
//	                cluster can commit), whatever class says
//	reason          why class is not healthy, naming the endpoint ("" when healthy)
//	leader          the leader's member name (its hex id when the member
//	                list is unknown; "" without a leader)
//	leader_id       the leader's hex member id ("" without a leader)
//	version         the server version of the first endpoint that answered
//	revision, raft_term, raft_index, db_size, db_size_in_use
//	                the highest over the endpoints' latest Status
//	quota_bytes     the backend quota the server reports (etcd 3.6+), 0
//	                when it reports none (etcd 3.4, 3.5)
//	alarms          active alarms as "NOSPACE on m1" (empty without quorum:
//	                on 3.4 the alarm list needs it; no_space still shows
//	                from the members' own Status)
//	members         the member list (empty without quorum, which etcd 3.4
//	                needs to list members): id, name, peer_urls,
//	                client_urls, is_learner, started (a member added but
//	                never started has no name)
//	voters, learners  counts from the member list
//	endpoints       each endpoint: endpoint, name, member_id, class, ok,
//	                error, is_leader, is_learner, version, raft_term,
//	                raft_index, revision, db_size, db_size_in_use,
//	                answered (samples whose read completed), samples,
//	                latency_ms (slowest answered sample, or the last
//	                attempt's when none answered), latency_p50_ms
//	dial_timeout, call_timeout, slow_threshold  the bounds used, as "10s"
//	samples         how many rounds were taken
func (Status) Output() cty.Type {
	return cty.Object(map[string]cty.Type{
		"class":          cty.String,
		"ok":             cty.Bool,
		"quorum":         cty.Bool,
		"reason":         cty.String,
		"leader":         cty.String,
		"leader_id":      cty.String,
		"version":        cty.String,
		"revision":       cty.Number,
		"raft_term":      cty.Number,
		"raft_index":     cty.Number,
		"db_size":        cty.Number,
		"db_size_in_use": cty.Number,
		"quota_bytes":    cty.Number,
		"alarms":         cty.List(cty.String),
		"members":        cty.List(memberType),
		"voters":         cty.Number,
		"learners":       cty.Number,
		"endpoints":      cty.List(endpointType),
		"dial_timeout":   cty.String,
		"call_timeout":   cty.String,
		"slow_threshold": cty.String,
		"samples":        cty.Number,
	})
}

func (v *view) output() cty.Value {
	t := v.totals()
	leader := v.leader()
	leaderName, leaderID := "", ""
	if leader != 0 {
		leaderName, leaderID = v.membership.Name(leader), etcdconn.HexID(leader)
	}
	return cty.ObjectVal(map[string]cty.Value{
		"class":          cty.StringVal(v.class),
		"ok":             cty.BoolVal(v.class == etcdconn.ClassHealthy),
		"quorum":         cty.BoolVal(v.quorum),
		"reason":         cty.StringVal(v.reason),
		"leader":         cty.StringVal(leaderName),
		"leader_id":      cty.StringVal(leaderID),
		"version":        cty.StringVal(t.version),
		"revision":       cty.NumberIntVal(t.revision),
		"raft_term":      cty.NumberUIntVal(t.term),
		"raft_index":     cty.NumberUIntVal(t.index),
		"db_size":        cty.NumberIntVal(t.dbSize),
		"db_size_in_use": cty.NumberIntVal(t.inUse),
		"quota_bytes":    cty.NumberIntVal(t.quota),
		"alarms":         stringList(v.alarms()),
		"members":        v.membersValue(),
		"voters":         cty.NumberIntVal(int64(v.count(false))),
		"learners":       cty.NumberIntVal(int64(v.count(true))),
		"endpoints":      v.endpointsValue(leader),
		"dial_timeout":   cty.StringVal(v.s.timeouts.Dial.String()),
		"call_timeout":   cty.StringVal(v.s.timeouts.Call.String()),
		"slow_threshold": cty.StringVal(v.s.slow.String()),
		"samples":        cty.NumberIntVal(int64(v.s.samples)),
	})
}

func (v *view) endpointsValue(leader uint64) cty.Value {
	vals := make([]cty.Value, len(v.endpoints))
	for i, e := range v.endpoints {
		st := e.statusOrZero()
		latency := e.max()
		if e.answered == 0 {
			latency = e.samples[len(e.samples)-1].Elapsed
		}
		vals[i] = cty.ObjectVal(map[string]cty.Value{
			"endpoint":       cty.StringVal(e.ep.URL),
			"name":           cty.StringVal(v.name(e)),
			"member_id":      cty.StringVal(e.memberID()),
			"class":          cty.StringVal(e.class),
			"ok":             cty.BoolVal(e.class == etcdconn.ClassHealthy),
			"error":          cty.StringVal(e.reason),
			"is_leader":      cty.BoolVal(e.status != nil && leader != 0 && st.Header.MemberId == leader),
			"is_learner":     cty.BoolVal(st.IsLearner),
			"version":        cty.StringVal(st.Version),
			"raft_term":      cty.NumberUIntVal(st.RaftTerm),
			"raft_index":     cty.NumberUIntVal(st.RaftIndex),
			"revision":       cty.NumberIntVal(st.Header.Revision),
			"db_size":        cty.NumberIntVal(st.DbSize),
			"db_size_in_use": cty.NumberIntVal(st.DbSizeInUse),
			"answered":       cty.NumberIntVal(int64(e.answered)),
			"samples":        cty.NumberIntVal(int64(len(e.samples))),
			"latency_ms":     cty.NumberIntVal(latency.Milliseconds()),
			"latency_p50_ms": cty.NumberIntVal(e.p50().Milliseconds()),
		})
	}
	return cty.ListVal(vals)
}

func (v *view) membersValue() cty.Value {
	if v.membership == nil || len(v.membership.Members) == 0 {
		return cty.ListValEmpty(memberType)
	}
	vals := make([]cty.Value, len(v.membership.Members))
	for i, m := range v.membership.Members {
		vals[i] = cty.ObjectVal(map[string]cty.Value{
			"id":          cty.StringVal(m.HexID()),
			"name":        cty.StringVal(m.Name),
			"peer_urls":   stringList(m.PeerURLs),
			"client_urls": stringList(m.ClientURLs),
			"is_learner":  cty.BoolVal(m.IsLearner),
			"started":     cty.BoolVal(m.Started()),
		})
	}
	return cty.ListVal(vals)
}

func stringList(ss []string) cty.Value {
	if len(ss) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	vals := make([]cty.Value, len(ss))
	for i, s := range ss {
		vals[i] = cty.StringVal(s)
	}
	return cty.ListVal(vals)
}
