package tlsprobe

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mend-sh/mend/steps"
)

// verdictRank orders the non-ok verdicts from the most telling to the
// least: a verdict about certificates says more than one about the
// network, so a member being down never hides a CA mismatch elsewhere.
var verdictRank = []string{
	VerdictUnknownAuthority, VerdictExpired, VerdictNameMismatch, VerdictClientCertRejected,
	VerdictHandshakeFailed, VerdictTimeout, VerdictUnreachable,
}

// aggregate is the findings of every endpoint of one probe.
type aggregate struct {
	parts          []report // one per endpoint, in the given order
	withCandidates bool     // candidate_ca_files were given
}

func (a aggregate) response() steps.DiagnoseResponse {
	return steps.DiagnoseResponse{Output: a.output(), Summary: a.summary(), Details: a.details()}
}

// verdicts returns the distinct verdicts seen, most telling first, "ok"
// last. Every verdict an outcome can have is in verdictRank or "ok".
func (a aggregate) verdicts() []string {
	var vs []string
	for _, v := range append(slices.Clone(verdictRank), VerdictOK) {
		if len(a.endpointsWith(v)) > 0 {
			vs = append(vs, v)
		}
	}
	return vs
}

// verdict is the probe's verdict: ok when every endpoint is ok, else the
// most telling one.
func (a aggregate) verdict() string { return a.verdicts()[0] }

// endpointsWith returns the endpoints whose verdict is v, in order.
func (a aggregate) endpointsWith(v string) []string {
	var eps []string
	for _, p := range a.parts {
		if p.verdict == v {
			eps = append(eps, p.endpoint)
		}
	}
	return eps
}

// chosen is the first endpoint with the probe's verdict: its error and
// endpoint are the output's.
func (a aggregate) chosen() report {
	v := a.verdict()
	for _, p := range a.parts {
		if p.verdict == v {
			return p
		}
	}
	return a.parts[0]
}

// served is the first endpoint that served a chain, else the chosen one.
func (a aggregate) served() report {
	for _, p := range a.parts {
		if len(p.chain) > 0 {
			return p
		}
	}
	return a.chosen()
}

func (a aggregate) elapsed() time.Duration {
	var d time.Duration
	for _, p := range a.parts {
		d += p.elapsed
	}
	return d
}

// summary is one endpoint's summary, or for several the verdicts with
// their counts and endpoints and the candidate verdict, e.g.
// "unknown_authority on 2 of 3 endpoints (b:2379, c:2379); unreachable:
// a:2379; verified by etcd-01:/etc/etcd/ssl/ca.pem".
func (a aggregate) summary() string {
	if len(a.parts) == 1 {
		return a.parts[0].summary()
	}
	vs := a.verdicts()
	eps := a.endpointsWith(vs[0])
	s := fmt.Sprintf("%s on %d of %d endpoints (%s)", vs[0], len(eps), len(a.parts), strings.Join(eps, ", "))
	for _, v := range vs[1:] {
		s += fmt.Sprintf("; %s: %s", v, strings.Join(a.endpointsWith(v), ", "))
	}
	return s + a.candidateSummary()
}

func (a aggregate) candidateSummary() string {
	if !a.withCandidates {
		return ""
	}
	if by := verifiedByAll(a.parts); len(by) > 0 {
		return "; verified by " + strings.Join(by, ", ")
	}
	if len(a.served().chain) > 0 {
		return "; no candidate CA verifies every served chain"
	}
	return ""
}

// details are, for several endpoints, one line per endpoint, then every
// endpoint's own lines (ca_file's with the first endpoint only).
func (a aggregate) details() []string {
	if len(a.parts) == 1 {
		return a.parts[0].details(true)
	}
	var d []string
	for _, p := range a.parts {
		line := fmt.Sprintf("%s: %s in %s", p.endpoint, p.verdict, p.elapsed.Round(time.Millisecond))
		if p.err != nil {
			line += ": " + p.errorText()
		}
		d = append(d, line)
	}
	for i, p := range a.parts {
		d = append(d, p.details(i == 0)...)
	}
	return d
}
