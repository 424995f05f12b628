package tlsprobe

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"strings"
	"time"

	"github.com/mend-sh/mend/internal/certs"
)

// report is one endpoint's findings, ready to render.
type report struct {
	cfg        *Config
	host       string // the host dialled from
	endpoint   string // "host:port" probed
	name       string // the server name verified
	ca         certs.HostFile
	candidates candidateResult
	outcome
}

// hint is the same-name-different-key sentence when ca_file holds a CA
// with the served issuer's name but another key, else "".
func (r report) hint() string {
	if r.verdict != VerdictUnknownAuthority {
		return ""
	}
	return certs.SameNameHint(certs.SameNameCA(r.chain, r.ca.Certs))
}

func (r report) errorText() string {
	if r.err == nil {
		return ""
	}
	if h := r.hint(); h != "" {
		return r.err.Error() + "; " + h
	}
	return r.err.Error()
}

// summary is one line: the verdict, the endpoint, what was served or why
// nothing was, and the candidate verdict when candidates were given.
func (r report) summary() string {
	var s string
	switch {
	case r.verdict == VerdictOK:
		s = fmt.Sprintf("ok: %s, %s, %s", r.endpoint, tls.VersionName(r.version), r.served())
	case r.verdict == VerdictUnknownAuthority:
		s = fmt.Sprintf("unknown_authority: %s %s, not trusted by %s", r.endpoint, r.served(), r.cfg.CAFile)
		if r.hint() != "" {
			s += " (same-named CA, different key)"
		}
	default:
		s = fmt.Sprintf("%s: %s: %v", r.verdict, r.endpoint, r.err)
	}
	return s + r.candidateSummary()
}

// served names the served certificate by subject, issuer and (short)
// fingerprint: a renewed certificate keeps its names, and wait_until's
// attempt lines, which are this summary, must tell the old from the new.
func (r report) served() string {
	leaf := r.chain[0]
	return fmt.Sprintf("served %q (SHA256 %s) issued by %q", leaf.Subject.String(), certs.ShortFingerprint(certs.Fingerprint(leaf)), leaf.Issuer.String())
}

func (r report) candidateSummary() string {
	switch {
	case r.candidates.notes == nil:
		return ""
	case len(r.candidates.verifiedBy) > 0:
		return "; verified by " + strings.Join(r.candidates.verifiedBy, ", ")
	case len(r.chain) > 0:
		return "; no candidate CA verifies it"
	}
	return ""
}

// askedKnown reports whether the probe knows if the server asked for a
// client certificate: crypto/tls asks for one only after it accepted the
// server's certificate, so a handshake that stopped there cannot tell.
func (r report) askedKnown() bool { return r.asked || r.version != 0 }

func (r report) askedText() string {
	if !r.askedKnown() {
		return "not known (the handshake stopped at the server's certificate)"
	}
	return yesNo(r.asked)
}

// details are the lines about this endpoint; withTrust adds those about
// ca_file, which is the same for every endpoint.
func (r report) details(withTrust bool) []string {
	presented := "none"
	if r.cfg.CertFile != "" {
		presented = r.cfg.CertFile
	}
	d := []string{
		fmt.Sprintf("endpoint %s (server name %s), dialled from %s in %s", r.endpoint, r.name, r.host, r.elapsed.Round(time.Millisecond)),
		fmt.Sprintf("client certificate requested: %s; presented: %s", r.askedText(), presented),
	}
	var trusted []*x509.Certificate
	if withTrust {
		trusted = r.ca.Certs
	}
	for _, c := range trusted {
		d = append(d, fmt.Sprintf("trusted (%s): %s, SHA256 %s", r.ca.Where(), c.Subject, certs.Fingerprint(c)))
	}
	for i, c := range r.chain {
		d = append(d, fmt.Sprintf("served [%d]: %s issued by %s, SHA256 %s, not after %s",
			i, c.Subject, c.Issuer, certs.Fingerprint(c), c.NotAfter.UTC().Format(time.RFC3339)))
	}
	if r.err != nil {
		d = append(d, "error: "+r.errorText())
	}
	return append(d, r.candidates.notes...)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
