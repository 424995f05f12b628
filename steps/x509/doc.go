// Package x509step holds the certificate diagnose types x509_inspect
// (Inspect) and x509_compare (Compare), and the certificate helpers other
// step types share: Describe turns a certificate into an Info (identity,
// names, validity; never key material), ReadBundle reads and parses a PEM
// bundle from a host, ParseFileRef reads a runbook's `{ host, path }`
// reference, and ClassifyVerifyError names why a chain did not verify.
//
// Identity is the fingerprint and the public key, never the name: two CAs
// both named "Puppet CA: x" with different keys are different CAs, and the
// helpers here report that case specifically (SameNameCA), because it is
// the signature of a CA silently replaced by configuration management.
//
// All hex identifiers (SHA-256 fingerprints, SPKI hash, SKI, AKI) are
// uppercase, colon-separated bytes, as `openssl x509 -fingerprint -sha256`
// prints them, so an operator can compare mend's output with openssl's by
// eye. The directory is steps/x509; the package is named x509step so that
// it does not shadow crypto/x509.
package x509step
