package httpcheck

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strings"

	"github.com/mend-sh/mend/internal/certs"
	"github.com/mend-sh/mend/steps"
)

// The verdicts of http_check, in the output's `verdict`. The failure
// verdicts are tls_probe's words.
const (
	VerdictOK                 = "ok"                // expected status (and body)
	VerdictUnexpectedStatus   = "unexpected_status" // an answer, with another status
	VerdictBodyMismatch       = "body_mismatch"     // expected status, body_contains not found
	VerdictBodyNotJSON        = "body_not_json"     // json = true and the body does not parse
	VerdictUnreachable        = "unreachable"       // no TCP connection
	VerdictTimeout            = "timeout"           // no complete answer in time
	VerdictUnknownAuthority   = certs.UnknownAuthority
	VerdictExpired            = certs.Expired
	VerdictNameMismatch       = certs.NameMismatch
	VerdictClientCertRejected = "client_cert_rejected" // the server refused our (missing) client certificate
	VerdictHandshakeFailed    = "handshake_failed"     // any other TLS failure
	VerdictProtocolError      = "protocol_error"       // connected, but no valid HTTP answer
)

// failureVerdict names why a request got no answer. dialErr is the last
// dial error, if the connection was never made.
func failureVerdict(ctx context.Context, err, dialErr error) string {
	var (
		verify *tls.CertificateVerificationError
		op     *net.OpError
		ne     net.Error
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout()):
		return VerdictTimeout
	case dialErr != nil:
		return VerdictUnreachable
	case errors.As(err, &verify):
		if v := certs.ClassifyVerifyError(verify.Err); v != certs.Invalid {
			return v
		}
		return VerdictHandshakeFailed
	case errors.As(err, &op) && op.Op == "remote error":
		if strings.Contains(op.Err.Error(), "certificate") {
			return VerdictClientCertRejected
		}
		return VerdictHandshakeFailed
	case strings.Contains(err.Error(), "tls: "):
		return VerdictHandshakeFailed
	}
	return VerdictProtocolError
}

// observerFailed reports whether a dial error means the check itself
// could not run (the SSH connection to the target host is gone, its key or
// our credentials were refused) rather than that the URL is unreachable
// from the host.
func observerFailed(dialErr error) bool {
	switch steps.Classify(dialErr) {
	case steps.ClassTransport, steps.ClassHostKey, steps.ClassAuth, steps.ClassCanceled:
		return true
	}
	return false
}
