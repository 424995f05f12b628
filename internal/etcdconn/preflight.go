package etcdconn

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"

	"github.com/mend-sh/mend/internal/tlsread"
)

// h2Preface is an HTTP/2 client preface and an empty SETTINGS frame: what
// a gRPC client sends first. The server answers with its own SETTINGS,
// which proves it accepted the client certificate.
var h2Preface = append([]byte("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 0, 0, 0, 4, 0, 0, 0, 0, 0)

// Bounds of the window the pre-flight waits for the server's first bytes
// (or a TLS 1.3 client-certificate rejection, which arrives only after the
// client's handshake has completed).
const (
	readWindowMin = 300 * time.Millisecond
	readWindowMax = 2 * time.Second
)

// Preflight dials ep from the host and completes a TLS handshake with
// plain crypto/tls, verifying the server's certificate against the CA and
// presenting the client certificate, then sends an HTTP/2 preface and
// reads once, briefly, so a rejected client certificate shows too. It
// returns how long it took and nil, or a *Failure: tls_failure with
// crypto/tls's and x509's reason, or unreachable (refused, or no answer
// within d.Timeouts.Dial). Nothing is sent to etcd beyond the preface.
func (d *Dialer) Preflight(ctx context.Context, ep Endpoint) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, d.Timeouts.Dial)
	defer cancel()
	start := time.Now()
	raw, err := d.dial(ctx, ep.Addr)
	if err != nil {
		return time.Since(start), &Failure{Class: ClassUnreachable, Phase: "dial", Err: noAnswer(ctx, err, start)}
	}
	defer raw.Close()
	cfg := d.TLS(ep.Host)
	cfg.NextProtos = []string{"h2"}
	tc := tls.Client(raw, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return time.Since(start), handshakeFailure(ctx, "tls handshake", err, start)
	}
	handshake := time.Since(start)
	if err := tlsread.First(ctx, tc, raw, h2Preface, min(max(3*handshake, readWindowMin), readWindowMax)); err != nil {
		return time.Since(start), handshakeFailure(ctx, "tls first read", err, start)
	}
	return handshake, nil
}

// handshakeFailure classifies a handshake or first-read error: a deadline
// is unreachable (the server did not answer), and so is a connection
// closed or reset without a TLS alert (closedEarly); anything else is the
// TLS failure it says it is.
func handshakeFailure(ctx context.Context, phase string, err error, start time.Time) *Failure {
	if ctx.Err() != nil {
		return &Failure{Class: ClassUnreachable, Phase: phase, Err: noAnswer(ctx, err, start)}
	}
	if closedEarly(err) {
		return &Failure{Class: ClassUnreachable, Phase: phase, Err: fmt.Errorf(
			"the connection was accepted, then closed without a TLS answer: nothing is serving there (a member restarting or crash-looping): %w", err)}
	}
	return &Failure{Class: ClassTLSFailure, Phase: phase, Err: err}
}

// closedEarly reports whether err is the peer closing or resetting the
// connection rather than a TLS verdict: a server that rejects a
// certificate says so with an alert (tls.AlertError, "remote error"), and
// a failed verification here is an x509 error; a process that accepts and
// dies (or whose listen backlog is torn down as it restarts) gives EOF or
// a reset.
func closedEarly(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func noAnswer(ctx context.Context, err error, start time.Time) error {
	if ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("no answer within the dial timeout (%s): %w", time.Since(start).Round(time.Millisecond), err)
	}
	return err
}
