// Package certstest makes real certificates for tests: NewCA creates a
// self-signed CA, CA.Issue signs server and client certificates, and Cert
// writes them as PEM files. It is for tests of mend's certificate and TLS
// step types only; keys are small-but-real ECDSA P-256 keys generated per
// call, never written anywhere but the test's own temporary directory.
package certstest
