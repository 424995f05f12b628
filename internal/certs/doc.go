// Package certs holds the certificate helpers mend's step types share
// (x509_inspect, x509_compare, tls_probe, http_check, file): Describe turns
// a certificate into an Info (identity, names, validity; never key
// material), ReadBundle reads and parses a PEM bundle from a host,
// ParseFileRef reads a runbook's `{ host, path }` reference,
// ClassifyVerifyError names why a chain did not verify, and Fingerprint
// and FingerprintDER are the one way mend names a certificate.
//
// Identity is the fingerprint and the public key, never the name: two CAs
// both named "Puppet CA: x" with different keys are different CAs, and the
// helpers here report that case specifically (SameNameCA), because it is
// the signature of a CA silently replaced by configuration management.
//
// All hex identifiers (SHA-256 fingerprints, SPKI hash, SKI, AKI) are
// uppercase, colon-separated bytes, as `openssl x509 -fingerprint -sha256`
// prints them, so an operator can compare mend's output with openssl's by
// eye. Test certificates come from certs/certstest.
package certs
