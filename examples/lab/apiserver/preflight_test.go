package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"
)

// testCA is a throw-away CA; two of them may share a subject, as the
// incident's old and new "Puppet CA" did.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newTestCA(t *testing.T, cn string) testCA {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return testCA{cert, key}
}

// issue signs a leaf for 127.0.0.1 usable as TLS server and client.
func (ca testCA) issue(t *testing.T, cn string) tls.Certificate {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func (ca testCA) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// startMTLSServer listens on 127.0.0.1 like an etcd member: it requires a
// client certificate from ca, reads the HTTP/2 preface and answers.
func startMTLSServer(t *testing.T, ca testCA) string {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{ca.issue(t, "etcd-01")},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    ca.pool(),
		NextProtos:   []string{"h2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
				buf := make([]byte, len(http2Preface))
				if _, err := io.ReadFull(conn, buf); err == nil {
					_, _ = conn.Write(http2Preface[len(http2Preface)-9:])
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func TestPreflight(t *testing.T) {
	etcdCA := newTestCA(t, "Puppet CA: lab-puppetmaster")
	newCA := newTestCA(t, "Puppet CA: lab-puppetmaster") // same name, other key
	addr := startMTLSServer(t, etcdCA)
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	closedAddr := closed.Addr().String()
	closed.Close()

	tests := []struct {
		name    string
		addr    string
		cfg     *tls.Config
		wantErr string // "" means success
	}{
		{"right CA and client cert", addr, &tls.Config{RootCAs: etcdCA.pool(), Certificates: []tls.Certificate{etcdCA.issue(t, "apiserver")}}, ""},
		{"same-name CA with another key", addr, &tls.Config{RootCAs: newCA.pool(), Certificates: []tls.Certificate{etcdCA.issue(t, "apiserver")}}, "x509: certificate signed by unknown authority"},
		{"no client certificate", addr, &tls.Config{RootCAs: etcdCA.pool()}, "remote error: tls: certificate required"},
		{"client cert from the other CA", addr, &tls.Config{RootCAs: etcdCA.pool(), Certificates: []tls.Certificate{newCA.issue(t, "apiserver")}}, "remote error: tls:"},
		{"nothing listening", closedAddr, &tls.Config{RootCAs: etcdCA.pool()}, "connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := preflight(context.Background(), tt.addr, tt.cfg, 3*time.Second)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("preflight(%s) = %v, want success", tt.addr, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("preflight(%s) = %v, want an error containing %q", tt.addr, err, tt.wantErr)
			}
		})
	}
}
