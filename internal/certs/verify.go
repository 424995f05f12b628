package certs

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
)

// Why a certificate chain did not verify, as ClassifyVerifyError names it.
// tls_probe uses the same words as verdicts.
const (
	UnknownAuthority = "unknown_authority" // no trusted CA signed the chain
	Expired          = "expired"           // outside its validity period
	NameMismatch     = "name_mismatch"     // not valid for the name asked for
	Invalid          = "invalid"           // any other reason (usage, constraints)
)

// ClassifyVerifyError names the reason err (from x509.Certificate.Verify,
// possibly wrapped, e.g. in *tls.CertificateVerificationError) gives: one
// of the constants above, or "" for a nil error. It uses errors.As on the
// x509 error types, never the message text.
func ClassifyVerifyError(err error) string {
	var (
		unknown  x509.UnknownAuthorityError
		invalid  x509.CertificateInvalidError
		hostname x509.HostnameError
	)
	switch {
	case err == nil:
		return ""
	case errors.As(err, &unknown):
		return UnknownAuthority
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return Expired
	case errors.As(err, &hostname):
		return NameMismatch
	}
	return Invalid
}

// VerifyChain checks that chain[0] chains, through chain[1:] as
// intermediates, to one of roots, at the current time, for the given
// extended key usage (x509.ExtKeyUsageAny: any). name, when not empty,
// must be a DNS name or IP address the leaf is valid for. It returns
// x509's own error, for ClassifyVerifyError.
func VerifyChain(chain []*x509.Certificate, roots *x509.CertPool, name string, usage x509.ExtKeyUsage) error {
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	_, err := chain[0].Verify(x509.VerifyOptions{
		Roots:         roots,
		Intermediates: inter,
		DNSName:       name,
		KeyUsages:     []x509.ExtKeyUsage{usage},
	})
	return err
}

// SameNameCA looks for the Toolforge signature: a trusted CA that has the
// name of the CA that issued a certificate in chain, but whose key did not
// sign it (a CA replaced by a same-named one). It returns that root, or
// nil when there is none.
func SameNameCA(chain, roots []*x509.Certificate) *x509.Certificate {
	for _, c := range chain {
		for _, r := range roots {
			if bytes.Equal(r.RawSubject, c.RawIssuer) && c.CheckSignatureFrom(r) != nil {
				return r
			}
		}
	}
	return nil
}

// SameNameHint is the human sentence for SameNameCA's finding, or "" for
// nil: `trusted CA "CN=Puppet CA: lab" (SHA256 AB:…) has the issuer's name
// but not its key: a same-named CA replaced the one that signed it`.
func SameNameHint(root *x509.Certificate) string {
	if root == nil {
		return ""
	}
	return fmt.Sprintf("trusted CA %q (SHA256 %s) has the issuer's name but not its key: a same-named CA replaced the one that signed it",
		root.Subject.String(), ShortFingerprint(Fingerprint(root)))
}
