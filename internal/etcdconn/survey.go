package etcdconn

import (
	"context"
	"fmt"
)

// Survey is one look at the cluster before a change: a sample of every
// endpoint and, when some member answered, the member list and alarms.
type Survey struct {
	Samples    []Sample
	Membership *Membership // nil without quorum
	Err        error       // why Membership is nil
}

// Survey samples every endpoint once and asks the first that answered for
// the member list and alarms.
func (d *Dialer) Survey(ctx context.Context, eps []Endpoint) *Survey {
	s := &Survey{Samples: d.SampleAll(ctx, eps)}
	for _, x := range s.Samples {
		if x.Answered() {
			s.Membership, s.Err = d.Membership(ctx, x.Endpoint)
			return s
		}
	}
	s.Err = fmt.Errorf("no endpoint completed a linearizable read: %s", s.failures())
	return s
}

// Quorum reports whether the cluster could commit: some member answered.
func (s *Survey) Quorum() bool { return s.Membership != nil }

// Answering is the first endpoint that answered (valid when Quorum).
func (s *Survey) Answering() Endpoint { return s.Membership.From }

// HealthyIDs are the member ids whose endpoints answered a linearizable
// read in this survey.
func (s *Survey) HealthyIDs() map[uint64]bool {
	ids := map[uint64]bool{}
	for _, x := range s.Samples {
		if x.Answered() && x.Status != nil {
			ids[x.Status.Header.MemberId] = true
		}
	}
	return ids
}

func (s *Survey) failures() string {
	out := ""
	for i, x := range s.Samples {
		if i > 0 {
			out += "; "
		}
		out += fmt.Sprintf("%s: %s (%v)", x.Endpoint.URL, x.Class, x.Err)
	}
	return out
}

// Version is the server version the answering member reported in its
// Status ("3.6.17"), "" without quorum.
func (s *Survey) Version() string {
	if s.Membership == nil {
		return ""
	}
	for _, x := range s.Samples {
		if x.Endpoint == s.Membership.From && x.Status != nil {
			return x.Status.Version
		}
	}
	return ""
}
