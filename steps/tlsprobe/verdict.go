package tlsprobe

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/mend-sh/mend/internal/certs"
)

// The verdicts of tls_probe, in the output's `verdict`.
const (
	VerdictOK                 = "ok"
	VerdictUnknownAuthority   = certs.UnknownAuthority // ca_file did not sign the served chain
	VerdictExpired            = certs.Expired          // a served certificate is out of its validity
	VerdictNameMismatch       = certs.NameMismatch     // the certificate is not for server_name
	VerdictClientCertRejected = "client_cert_rejected" // the server refused our client certificate (or its absence)
	VerdictUnreachable        = "unreachable"          // the TCP connection could not be made
	VerdictTimeout            = "timeout"              // the deadline passed first
	VerdictHandshakeFailed    = "handshake_failed"     // any other TLS failure
)

// clientCertAlerts are the TLS alerts a server sends about the client's
// certificate. The server verifies nothing else, so any of these from the
// server means it rejected ours. Go servers send "unknown certificate
// authority", "expired certificate", "certificate required" (TLS 1.3, none
// given) or "bad certificate"; older Go and etcd builds send "bad
// certificate" for everything.
var clientCertAlerts = []string{
	"bad certificate", "unsupported certificate", "revoked certificate",
	"expired certificate", "unknown certificate", "unknown certificate authority",
	"certificate required", "access denied",
}

// remoteAlert returns the text of a TLS alert the peer sent ("tls: bad
// certificate"), found as crypto/tls reports it: a *net.OpError whose Op
// is "remote error".
func remoteAlert(err error) (string, bool) {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "remote error" && op.Err != nil {
		return op.Err.Error(), true
	}
	return "", false
}

// isClientCertAlert reports whether err is a remote alert about the
// client's certificate. asked says the server had asked for one: then a
// generic "handshake failure" counts too, because that is what Go and
// OpenSSL servers send under TLS 1.2 when a required certificate is
// missing, and cipher negotiation was over before the server asked.
func isClientCertAlert(err error, asked bool) bool {
	text, ok := remoteAlert(err)
	if !ok {
		return false
	}
	text = strings.TrimPrefix(text, "tls: ")
	if asked && text == "handshake failure" {
		return true
	}
	for _, a := range clientCertAlerts {
		if text == a {
			return true
		}
	}
	return false
}

// dialVerdict classifies a failed dial: timeout when the deadline passed
// (or the transport says it timed out), else unreachable, which includes
// "connection refused", "no route to host" and, through SSH,
// `ssh: rejected: connect failed`.
func dialVerdict(ctx context.Context, err error) string {
	if isTimeout(ctx, err) {
		return VerdictTimeout
	}
	return VerdictUnreachable
}

// handshakeVerdict classifies a failed handshake (or first read).
// verifyErr is the probe's own chain verification, which takes precedence:
// when it failed, the client aborted the handshake because of it. asked
// says the server asked for a client certificate.
func handshakeVerdict(ctx context.Context, err, verifyErr error, asked bool) string {
	switch {
	case verifyErr != nil:
		return chainVerdict(verifyErr)
	case isClientCertAlert(err, asked):
		return VerdictClientCertRejected
	case isTimeout(ctx, err):
		return VerdictTimeout
	}
	return VerdictHandshakeFailed
}

// chainVerdict maps a chain verification error to a verdict.
func chainVerdict(err error) string {
	if c := certs.ClassifyVerifyError(err); c != certs.Invalid {
		return c
	}
	return VerdictHandshakeFailed
}

func isTimeout(ctx context.Context, err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}
