// Package x509step holds the certificate diagnose types x509_inspect
// (Inspect) and x509_compare (Compare). The certificate helpers they share
// with tls_probe, http_check and file live in internal/certs.
//
// Identity is the fingerprint and the public key, never the name: two CAs
// both named "Puppet CA: x" with different keys are different CAs, and
// x509_compare and x509_inspect report that case specifically
// (certs.SameNameCA), because it is the signature of a CA silently
// replaced by configuration management. The directory is steps/x509; the
// package is named x509step so that it does not shadow crypto/x509.
package x509step
