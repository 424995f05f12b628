package tlsprobe

import (
	"context"
	"crypto/x509"
	"fmt"

	"github.com/mend-sh/mend/steps"
	x509step "github.com/mend-sh/mend/steps/x509"
)

// candidateResult is what trying the candidate CA files found.
type candidateResult struct {
	verifiedBy []string // FileRef.String() of each candidate that verifies, in order
	notes      []string // one line per candidate, for details
}

// tryCandidates checks, for each candidate CA file in order, whether it
// would verify the served chain now: signatures, validity and server-auth
// usage, but not the name, which does not depend on the CA. A candidate
// that cannot be read is noted and skipped, not fatal: the probe's own
// verdict stands.
func tryCandidates(ctx context.Context, req steps.DiagnoseRequest, refs []x509step.FileRef, chain []*x509.Certificate) candidateResult {
	var res candidateResult
	if len(refs) == 0 {
		return res
	}
	if len(chain) == 0 {
		res.notes = append(res.notes, "candidate CA files not tried: no certificate was served")
		return res
	}
	for _, ref := range refs {
		f, err := x509step.ReadRef(ctx, req.Host, req.Hosts, ref)
		if err != nil {
			res.notes = append(res.notes, fmt.Sprintf("candidate %s: not tried: %v", ref, err))
			continue
		}
		err = x509step.VerifyChain(chain, f.Pool(), "", x509.ExtKeyUsageServerAuth)
		if err != nil {
			res.notes = append(res.notes, fmt.Sprintf("candidate %s: does not verify (%s)", ref, candidateWhy(err, chain, f)))
			continue
		}
		res.verifiedBy = append(res.verifiedBy, ref.String())
		res.notes = append(res.notes, fmt.Sprintf("candidate %s: verifies", ref))
	}
	return res
}

func candidateWhy(err error, chain []*x509.Certificate, f x509step.HostFile) string {
	if x509step.SameNameCA(chain, f.Certs) != nil {
		return "same-named CA, different key"
	}
	return x509step.ClassifyVerifyError(err)
}
