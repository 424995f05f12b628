package main

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"time"
)

// http2Preface is the HTTP/2 client connection preface followed by an empty
// SETTINGS frame. etcd's gRPC listener answers it with its own SETTINGS, so
// one Read after writing it proves the server accepted our client
// certificate.
var http2Preface = append([]byte("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 0, 0, 0, 4, 0, 0, 0, 0, 0)

// preflight opens a TLS connection to addr (host:port) with cfg, verifying
// the server against cfg.RootCAs and presenting cfg's client certificate,
// and returns the handshake's error unchanged, e.g.
// "tls: failed to verify certificate: x509: certificate signed by unknown
// authority (...)". It exists because clientv3 only reports a wrong CA as
// "context deadline exceeded" after the full call timeout.
//
// Under TLS 1.3 a server that rejects the client certificate says so only
// after the handshake, so preflight also writes the HTTP/2 preface and reads
// once: "remote error: tls: bad certificate" surfaces there. A read that
// times out counts as success (the handshake did).
func preflight(ctx context.Context, addr string, cfg *tls.Config, timeout time.Duration) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	c := cfg.Clone()
	c.ServerName = host
	c.NextProtos = []string{"h2"}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	d := tls.Dialer{Config: c}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	if _, err := conn.Write(http2Preface); err != nil {
		return err
	}
	var b [1]byte
	if _, err := conn.Read(b[:]); err != nil && !isTimeout(err) {
		return err
	}
	return nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
