package certs

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"strings"
)

// shortFingerprintBytes is how many bytes of a fingerprint a summary line
// shows before "…"; details always show the whole fingerprint.
const shortFingerprintBytes = 6

// HexColon formats b as uppercase hex bytes separated by colons
// ("AB:CD:EF"), the form openssl prints fingerprints and key identifiers
// in. Empty input gives "".
func HexColon(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	h := strings.ToUpper(hex.EncodeToString(b))
	var sb strings.Builder
	sb.Grow(len(h) + len(b))
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			sb.WriteByte(':')
		}
		sb.WriteString(h[i : i+2])
	}
	return sb.String()
}

// Fingerprint returns the SHA-256 fingerprint of the DER certificate in
// HexColon form.
func Fingerprint(c *x509.Certificate) string { return FingerprintDER(c.Raw) }

// FingerprintDER returns the SHA-256 fingerprint of der, a certificate's
// DER bytes, in HexColon form: what `openssl x509 -fingerprint -sha256`
// prints. It names certificates that do not parse, too.
func FingerprintDER(der []byte) string {
	sum := sha256.Sum256(der)
	return HexColon(sum[:])
}

// SPKIFingerprint returns the SHA-256 of the DER SubjectPublicKeyInfo in
// HexColon form: the public key's identity, unchanged when a CA is
// re-issued with the same key.
func SPKIFingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	return HexColon(sum[:])
}

// ShortFingerprint abbreviates a HexColon fingerprint for summary lines:
// its first six bytes and "…".
func ShortFingerprint(fp string) string {
	n := shortFingerprintBytes*3 - 1
	if len(fp) <= n {
		return fp
	}
	return fp[:n] + "…"
}

// EncodePEM returns the certificate as one PEM "CERTIFICATE" block. It is
// re-encoded from the DER bytes, so nothing else that shared the source
// file (a private key, comments) can ever travel with it.
func EncodePEM(c *x509.Certificate) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
}

// serial formats a certificate serial number as uppercase hex without
// separators, as `openssl x509 -serial` does ("00" for zero).
func serial(c *x509.Certificate) string {
	if c.SerialNumber == nil || c.SerialNumber.Sign() == 0 {
		return "00"
	}
	s := strings.ToUpper(hex.EncodeToString(c.SerialNumber.Bytes()))
	if c.SerialNumber.Sign() < 0 {
		s = "-" + s
	}
	return s
}
