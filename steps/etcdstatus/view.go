package etcdstatus

import (
	"fmt"
	"slices"
	"time"

	"github.com/mend-sh/mend/internal/etcdconn"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// endpointView is one endpoint over every sample.
type endpointView struct {
	ep        etcdconn.Endpoint
	samples   []etcdconn.Sample
	class     string
	reason    string // why class is not healthy; "" when healthy
	answered  int
	latencies []time.Duration // of the answered samples, sorted
	status    *clientv3.StatusResponse
}

// endpointOf classifies one endpoint's samples: no_space when any sample
// saw the alarm; healthy when every sample answered within slow; slow
// when every sample answered but one took longer, or some did not answer;
// otherwise (none answered) the most telling failure: tls_failure, then
// no_quorum, then unreachable.
func endpointOf(ep etcdconn.Endpoint, samples []etcdconn.Sample, slow time.Duration) endpointView {
	v := endpointView{ep: ep, samples: samples}
	var failed []etcdconn.Sample
	for _, s := range samples {
		if s.Status != nil {
			v.status = s.Status
		}
		if s.Answered() {
			v.answered++
			v.latencies = append(v.latencies, s.Elapsed)
		} else {
			failed = append(failed, s)
		}
	}
	slices.Sort(v.latencies)
	n := len(samples)
	switch {
	case slices.ContainsFunc(samples, func(s etcdconn.Sample) bool { return s.Class == etcdconn.ClassNoSpace }):
		v.class, v.reason = etcdconn.ClassNoSpace, "the NOSPACE alarm is raised: the cluster accepts only reads and deletes until compacted, defragmented and disarmed"
	case v.answered == n && v.max() > slow:
		v.class = etcdconn.ClassSlow
		v.reason = fmt.Sprintf("answered every sample, but the slowest took %s (over slow_threshold %s)", round(v.max()), slow)
	case v.answered == n:
		v.class = etcdconn.ClassHealthy
	case v.answered > 0:
		v.class = etcdconn.ClassSlow
		v.reason = fmt.Sprintf("answered %d of %d samples; the others: %v", v.answered, n, failed[len(failed)-1].Err)
	default:
		worst := mostTelling(failed)
		v.class, v.reason = worst.Class, fmt.Sprint(worst.Err)
	}
	return v
}

// mostTelling picks, of failed samples, the last one of the most telling
// class: a TLS failure is a configuration to fix, no quorum says the
// member is up, unreachable says least.
func mostTelling(failed []etcdconn.Sample) etcdconn.Sample {
	rank := map[string]int{etcdconn.ClassTLSFailure: 3, etcdconn.ClassNoQuorum: 2, etcdconn.ClassUnreachable: 1}
	best := failed[0]
	for _, s := range failed[1:] {
		if rank[s.Class] >= rank[best.Class] {
			best = s
		}
	}
	return best
}

func (v endpointView) max() time.Duration {
	if len(v.latencies) == 0 {
		return 0
	}
	return v.latencies[len(v.latencies)-1]
}

func (v endpointView) p50() time.Duration {
	if len(v.latencies) == 0 {
		return 0
	}
	return v.latencies[(len(v.latencies)-1)/2]
}

// lastAnswered reports whether the endpoint's last sample answered.
func (v endpointView) lastAnswered() bool { return v.samples[len(v.samples)-1].Answered() }

func round(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
