package etcdconn

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// HealthKey is the key the linearizable read asks for, as etcdctl's
// `endpoint health` does; it need not exist.
const HealthKey = "health"

// Sample is what one probe of one endpoint saw.
type Sample struct {
	Endpoint Endpoint
	// Class is healthy (the linearizable read answered; whether that was
	// slow is the caller's threshold), no_quorum, no_space (the member
	// reports the NOSPACE alarm), tls_failure or unreachable.
	Class string
	// Err says why Class is not healthy; nil when healthy.
	Err error
	// Elapsed is the whole probe: dial, TLS, Status and the read. It is
	// the response time a client of this member would see.
	Elapsed time.Duration
	// Status is the member's Status answer, nil when it gave none.
	Status *clientv3.StatusResponse
}

// Answered reports whether the linearizable read completed (healthy or
// no_space): proof that the cluster had quorum at that moment.
func (s Sample) Answered() bool {
	return s.Class == ClassHealthy || s.Class == ClassNoSpace && s.Err == nil
}

// Sample probes ep: Preflight, then Status (answered by the member alone),
// then a linearizable read of HealthKey (which needs the cluster's
// quorum), each bounded by d's timeouts. It never returns an error: every
// outcome is a classified Sample.
func (d *Dialer) Sample(ctx context.Context, ep Endpoint) Sample {
	start := time.Now()
	s := d.sample(ctx, ep)
	s.Endpoint, s.Elapsed = ep, time.Since(start)
	return s
}

func (d *Dialer) sample(ctx context.Context, ep Endpoint) Sample {
	if _, err := d.Preflight(ctx, ep); err != nil {
		return Sample{Class: ClassOf(err), Err: err}
	}
	cli, err := d.Client(ep)
	if err != nil {
		return Sample{Class: ClassUnreachable, Err: err}
	}
	defer cli.Close()
	cctx, cancel := d.CallContext(ctx)
	st, err := cli.Status(cctx, ep.URL)
	cancel()
	if err != nil {
		// Status needs no consensus: failing it after a good pre-flight
		// means the member itself did not answer in time.
		return Sample{Class: ClassUnreachable, Err: &Failure{Class: ClassUnreachable, Phase: "status", Err: err}}
	}
	s := Sample{Status: st, Class: ClassHealthy}
	if st.Leader == 0 {
		s.Class, s.Err = ClassNoQuorum, &Failure{Class: ClassNoQuorum, Phase: "status",
			Err: fmt.Errorf("the member has no leader (raft term %d)", st.RaftTerm)}
		return s
	}
	cctx, cancel = d.CallContext(ctx)
	_, err = cli.Get(cctx, HealthKey)
	cancel()
	if err != nil && err != rpctypes.ErrPermissionDenied {
		s.Class, s.Err = ClassifyRPC(err), &Failure{Class: ClassifyRPC(err), Phase: "linearizable read", Err: err}
		return s
	}
	if HasAlarm(st, "NOSPACE") {
		s.Class = ClassNoSpace
	}
	return s
}

// HasAlarm reports whether a Status answer lists the alarm (3.4+ lists
// active alarms in Errors as "memberID:<id> alarm:NOSPACE").
func HasAlarm(st *clientv3.StatusResponse, alarm string) bool {
	for _, e := range st.Errors {
		if strings.Contains(e, "alarm:"+alarm) {
			return true
		}
	}
	return false
}

// SampleAll samples every endpoint at once and returns their samples in
// the order of eps.
func (d *Dialer) SampleAll(ctx context.Context, eps []Endpoint) []Sample {
	out := make([]Sample, len(eps))
	var wg sync.WaitGroup
	for i, ep := range eps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = d.Sample(ctx, ep)
		}()
	}
	wg.Wait()
	return out
}
