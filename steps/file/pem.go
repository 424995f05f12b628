package file

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"time"

	"github.com/mend-sh/mend/internal/certs"
)

// certBlockHeader marks content that holds certificates.
const certBlockHeader = "-----BEGIN CERTIFICATE-----"

// certInfo is what a reviewer needs to tell certificates apart; nothing
// in it is secret.
type certInfo struct {
	line        string // subject, issuer, fingerprint, expiry
	fingerprint string
}

// certChanges describes, one line each, the certificates the new content
// removes and adds compared with the old, by SHA-256 fingerprint, and how
// many it keeps. It returns nil when neither side holds a certificate.
func certChanges(old, new []byte) []string {
	if !bytes.Contains(old, []byte(certBlockHeader)) && !bytes.Contains(new, []byte(certBlockHeader)) {
		return nil
	}
	before, after := parseCerts(old), parseCerts(new)
	var lines []string
	kept := 0
	for _, c := range before {
		if !containsCert(after, c.fingerprint) {
			lines = append(lines, "certificate removed: "+c.line)
		}
	}
	for _, c := range after {
		if containsCert(before, c.fingerprint) {
			kept++
		} else {
			lines = append(lines, "certificate added: "+c.line)
		}
	}
	if kept > 0 {
		lines = append(lines, fmt.Sprintf("certificates kept: %d", kept))
	}
	return lines
}

// describeCerts describes each certificate in content, one line each.
func describeCerts(content []byte) []string {
	var lines []string
	for _, c := range parseCerts(content) {
		lines = append(lines, "certificate: "+c.line)
	}
	return lines
}

// parseCerts reads every CERTIFICATE block of a PEM bundle. A block that
// does not parse is described as such, so the preview still shows it.
func parseCerts(content []byte) []certInfo {
	var certs []certInfo
	rest := content
	for i := 0; i < 10000; i++ {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		certs = append(certs, certOf(block.Bytes))
	}
	return certs
}

// certOf describes one DER certificate.
func certOf(der []byte) certInfo {
	fp := certs.FingerprintDER(der)
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return certInfo{line: fmt.Sprintf("unparsable (%v), sha256 %s", err, fp), fingerprint: fp}
	}
	return certInfo{
		line: fmt.Sprintf("subject %q, issuer %q, sha256 %s, notAfter %s",
			cert.Subject.String(), cert.Issuer.String(), fp, cert.NotAfter.UTC().Format(time.RFC3339)),
		fingerprint: fp,
	}
}

func containsCert(certs []certInfo, fp string) bool {
	for _, c := range certs {
		if c.fingerprint == fp {
			return true
		}
	}
	return false
}
