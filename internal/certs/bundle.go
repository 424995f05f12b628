package certs

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
)

// Bundle is the certificates found in one file, in file order. A CA file
// is often a bundle; the first certificate is "the" certificate of a file
// (the leaf of a chain file, the first CA of a trust bundle).
type Bundle struct {
	Certs []*x509.Certificate
	// Skipped lists the types of PEM blocks that are not certificates
	// ("PRIVATE KEY", "EC PARAMETERS"), in file order. Their content is
	// dropped unread and never reported.
	Skipped []string
}

// First returns the first certificate of the bundle. ParseBundle never
// returns an empty bundle without an error, so First is safe on its result.
func (b Bundle) First() *x509.Certificate { return b.Certs[0] }

// Pool returns the bundle's certificates as a pool, for use as verification
// roots or intermediates.
func (b Bundle) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range b.Certs {
		p.AddCert(c)
	}
	return p
}

// errNoCertificate is returned for a file with no certificate in it.
var errNoCertificate = errors.New("no certificate found (expected PEM \"CERTIFICATE\" blocks or DER)")

// ParseBundle parses every PEM "CERTIFICATE" block in data (not just the
// first), skipping other blocks such as private keys. Data with no PEM
// block at all is tried as DER. It fails when no certificate is found or
// a certificate block does not parse; the error never quotes file content.
func ParseBundle(data []byte) (Bundle, error) {
	var b Bundle
	rest := data
	sawPEM := false
	for {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		sawPEM = true
		if blk.Type != "CERTIFICATE" && blk.Type != "TRUSTED CERTIFICATE" {
			b.Skipped = append(b.Skipped, blk.Type)
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return Bundle{}, fmt.Errorf("certificate %d: %w", len(b.Certs)+1, err)
		}
		b.Certs = append(b.Certs, c)
	}
	if !sawPEM && len(bytes.TrimSpace(data)) > 0 {
		certs, err := x509.ParseCertificates(data)
		if err != nil {
			return Bundle{}, fmt.Errorf("not PEM, and not DER either: %w", err)
		}
		b.Certs = certs
	}
	if len(b.Certs) == 0 {
		return Bundle{}, errNoCertificate
	}
	return b, nil
}
