package main

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"strings"
)

// etcdTLS is what the apiserver loaded from its --etcd-* files at start.
type etcdTLS struct {
	config    *tls.Config
	caSubject string // subject of the first CA certificate in the file
	caSHA256  string // its SHA-256 fingerprint, AA:BB:... as openssl prints it
}

// loadEtcdTLS reads the CA bundle and the client key pair once. Like the
// real apiserver, a later change to these files has no effect until restart.
func loadEtcdTLS(caFile, certFile, keyFile string) (*etcdTLS, error) {
	for _, f := range [][2]string{{"--etcd-cafile", caFile}, {"--etcd-certfile", certFile}, {"--etcd-keyfile", keyFile}} {
		if f[1] == "" {
			return nil, fmt.Errorf("%s must be set", f[0])
		}
	}
	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("unable to load root certificates: %w", err)
	}
	first, err := firstCertificate(caPEM)
	if err != nil {
		return nil, fmt.Errorf("unable to load root certificates from %s: %w", caFile, err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("unable to load client key pair: %w", err)
	}
	return &etcdTLS{
		config:    &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12},
		caSubject: first.Subject.String(),
		caSHA256:  fingerprint(first.Raw),
	}, nil
}

func firstCertificate(data []byte) (*x509.Certificate, error) {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return nil, fmt.Errorf("no PEM CERTIFICATE block")
		}
		if block.Type == "CERTIFICATE" {
			return x509.ParseCertificate(block.Bytes)
		}
	}
}

// fingerprint formats sha256(der) as colon-separated upper-case hex.
func fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}
