package tlsprobe

import (
	"context"
	"crypto/x509"
	"fmt"
	"slices"

	"github.com/mend-sh/mend/internal/certs"
	"github.com/mend-sh/mend/steps"
)

// candidate is one candidate CA file, read (or not) once for all
// endpoints.
type candidate struct {
	ref  certs.FileRef
	file certs.HostFile
	err  error // why it could not be read; nil when read
}

// candidateResult is what trying the candidate CA files on one served
// chain found.
type candidateResult struct {
	verifiedBy []string // FileRef.String() of each candidate that verifies, in order
	notes      []string // one line per candidate, for details
}

// readCandidates reads each candidate CA file, in order. A file that
// cannot be read is kept with its error, not fatal: it is noted and
// skipped when tried.
func readCandidates(ctx context.Context, req steps.DiagnoseRequest, refs []certs.FileRef) []candidate {
	cands := make([]candidate, len(refs))
	for i, ref := range refs {
		f, err := certs.ReadRef(ctx, req.Host, req.Hosts, ref)
		cands[i] = candidate{ref: ref, file: f, err: err}
	}
	return cands
}

// tryCandidates checks, for each candidate in order, whether it would
// verify the served chain now: signatures, validity and server-auth
// usage, but not the name, which does not depend on the CA. The probe's
// own verdict stands whatever the candidates say.
func tryCandidates(cands []candidate, chain []*x509.Certificate) candidateResult {
	var res candidateResult
	if len(cands) == 0 {
		return res
	}
	if len(chain) == 0 {
		res.notes = append(res.notes, "candidate CA files not tried: no certificate was served")
		return res
	}
	for _, c := range cands {
		if c.err != nil {
			res.notes = append(res.notes, fmt.Sprintf("candidate %s: not tried: %v", c.ref, c.err))
			continue
		}
		err := certs.VerifyChain(chain, c.file.Pool(), "", x509.ExtKeyUsageServerAuth)
		if err != nil {
			res.notes = append(res.notes, fmt.Sprintf("candidate %s: does not verify (%s)", c.ref, candidateWhy(err, chain, c.file)))
			continue
		}
		res.verifiedBy = append(res.verifiedBy, c.ref.String())
		res.notes = append(res.notes, fmt.Sprintf("candidate %s: verifies", c.ref))
	}
	return res
}

// verifiedByAll returns the candidates that verify the served chain of
// every report whose endpoint served one, in the given order; none when
// no endpoint served a chain.
func verifiedByAll(parts []report) []string {
	var all []string
	first := true
	for _, p := range parts {
		if len(p.chain) == 0 {
			continue
		}
		if first {
			all, first = slices.Clone(p.candidates.verifiedBy), false
			continue
		}
		all = slices.DeleteFunc(all, func(s string) bool { return !slices.Contains(p.candidates.verifiedBy, s) })
	}
	return all
}

func candidateWhy(err error, chain []*x509.Certificate, f certs.HostFile) string {
	if certs.SameNameCA(chain, f.Certs) != nil {
		return "same-named CA, different key"
	}
	return certs.ClassifyVerifyError(err)
}
