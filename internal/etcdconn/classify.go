package etcdconn

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// The classes of what a probe of etcd saw. Each endpoint gets one, and so
// does the cluster (see Classify* and the etcd_status step).
const (
	// ClassHealthy: TLS verified, a linearizable read answered in time.
	ClassHealthy = "healthy"
	// ClassSlow: it answered, but over the slow threshold (or not every
	// sample answered): degraded, not dead.
	ClassSlow = "slow"
	// ClassNoQuorum: the member answers Status, but a linearizable read
	// cannot complete (no leader, request timed out): the cluster cannot
	// commit.
	ClassNoQuorum = "no_quorum"
	// ClassTLSFailure: the TLS handshake failed (x509 verification, or the
	// server refused the client certificate).
	ClassTLSFailure = "tls_failure"
	// ClassUnreachable: no TCP connection, or no answer within the dial
	// timeout.
	ClassUnreachable = "unreachable"
	// ClassNoSpace: the NOSPACE alarm is raised: the cluster only accepts
	// reads and deletes until it is compacted, defragmented and disarmed.
	ClassNoSpace = "no_space"
	// ClassDegraded (cluster only): quorum holds, but some member is
	// unreachable or fails TLS.
	ClassDegraded = "degraded"
)

// Failure is why a pre-flight or an RPC failed, classified.
type Failure struct {
	Class string // one of the Class* constants
	Phase string // "dial", "tls handshake", "tls first read", or the RPC ("status", "linearizable read")
	Err   error
}

func (f *Failure) Error() string { return fmt.Sprintf("%s: %v", f.Phase, f.Err) }
func (f *Failure) Unwrap() error { return f.Err }

// ClassOf is the class of err: its *Failure's, else ClassifyRPC's.
func ClassOf(err error) string {
	var f *Failure
	if errors.As(err, &f) {
		return f.Class
	}
	return ClassifyRPC(err)
}

// ClassifyRPC classifies an RPC error from a member whose TLS pre-flight
// passed. The server's own words decide where they exist: "database space
// exceeded" is no_space; "request timed out", "no leader", "leader
// changed" are no_quorum. A deadline is no_quorum too, since the server
// was reachable a moment ago and a linearizable request only waits that
// long for consensus. Unavailable (connection refused, lost) is unreachable.
func ClassifyRPC(err error) string {
	if err == nil {
		return ClassHealthy
	}
	msg := err.Error()
	for _, e := range []error{rpctypes.ErrNoSpace} {
		if strings.Contains(msg, e.Error()) {
			return ClassNoSpace
		}
	}
	for _, e := range []error{rpctypes.ErrTimeout, rpctypes.ErrNoLeader, rpctypes.ErrLeaderChanged,
		rpctypes.ErrTimeoutDueToLeaderFail, rpctypes.ErrTimeoutDueToConnectionLost} {
		if strings.Contains(msg, e.Error()) {
			return ClassNoQuorum
		}
	}
	if errors.Is(err, context.DeadlineExceeded) || status.Code(err) == codes.DeadlineExceeded {
		return ClassNoQuorum
	}
	return ClassUnreachable
}
