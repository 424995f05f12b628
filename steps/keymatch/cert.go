package keymatch

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"fmt"

	"github.com/mend-sh/mend/internal/certs"
	"github.com/mend-sh/mend/steps"
)

// certSide is the public half: a certificate's or a request's subject and
// public key, and where it was read.
type certSide struct {
	kind    string // "certificate" or "certificate request"
	subject string
	where   string
	public  crypto.PublicKey
	spki    []byte // DER SubjectPublicKeyInfo
	// fingerprint is the certificate's SHA-256 fingerprint ("" for a request).
	fingerprint string
}

// readCert reads the certificate (or request) k names. A request is
// recognised by its PEM type; anything else is read as a certificate
// bundle and its first certificate used.
func readCert(ctx context.Context, req steps.DiagnoseRequest, k check) (certSide, error) {
	src, err := certs.ReadSource(ctx, req.Host, req.Hosts, k.ref)
	where := certs.HostFile{Host: src.Host, Path: src.Path}.Where()
	if err != nil {
		return certSide{}, fmt.Errorf("key_match: %s: %w", k.against, err)
	}
	if csr, ok, err := parseCSR(src.Data); ok {
		if err != nil {
			return certSide{}, steps.Errorf(steps.ClassStep, "key_match: %s: certificate request: %v", where, err)
		}
		return certSide{kind: "certificate request", subject: csr.Subject.String(), where: where, public: csr.PublicKey, spki: csr.RawSubjectPublicKeyInfo}, nil
	}
	if k.against == "csr" {
		return certSide{}, steps.Errorf(steps.ClassStep, "key_match: %s holds no CERTIFICATE REQUEST block", where)
	}
	b, err := certs.ParseBundle(src.Data)
	if err != nil {
		return certSide{}, steps.Errorf(steps.ClassStep, "key_match: %s: %v", where, err)
	}
	c := b.First()
	return certSide{kind: "certificate", subject: c.Subject.String(), where: where, public: c.PublicKey,
		spki: c.RawSubjectPublicKeyInfo, fingerprint: certs.Fingerprint(c)}, nil
}

// parseCSR finds the first PEM certificate request in data; ok is false
// when there is none.
func parseCSR(data []byte) (*x509.CertificateRequest, bool, error) {
	for rest := data; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			return nil, false, nil
		}
		if blk.Type == "CERTIFICATE REQUEST" || blk.Type == "NEW CERTIFICATE REQUEST" {
			csr, err := x509.ParseCertificateRequest(blk.Bytes)
			return csr, true, err
		}
	}
}

// spkiSHA256 is the HexColon SHA-256 of a DER SubjectPublicKeyInfo.
func spkiSHA256(der []byte) string {
	sum := sha256.Sum256(der)
	return certs.HexColon(sum[:])
}

// samePublicKey compares two public keys by value (the key types of
// crypto/* all have Equal).
func samePublicKey(a, b crypto.PublicKey) bool {
	e, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && e.Equal(b)
}
