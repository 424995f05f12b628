package tlsprobe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/mend-sh/mend/internal/certs"
	"github.com/mend-sh/mend/internal/tlsread"
	"github.com/mend-sh/mend/steps"
)

// Bounds of the window tlsread.First waits for a TLS 1.3 client-certificate
// rejection: three handshake durations (the alert arrives about one round
// trip after the handshake), but at least readWindowMin and at most
// readWindowMax.
const (
	readWindowMin = 200 * time.Millisecond
	readWindowMax = 2 * time.Second
)

// session is one probe's TLS client: what it trusts and presents, and
// what the handshake handed over. It is used for one connection only.
type session struct {
	roots      *x509.CertPool
	name       string           // server name to verify
	clientCert *tls.Certificate // nil: present none

	chain         []*x509.Certificate // served chain, as received
	verifyErr     error               // the probe's own verification of chain
	certRequested bool                // the server asked for a client certificate
}

// outcome is what one probe saw.
type outcome struct {
	verdict string
	err     error // why verdict is not ok; nil when ok
	chain   []*x509.Certificate
	version uint16        // negotiated TLS version; 0 without a handshake
	elapsed time.Duration // dial and handshake, not the first-read window
	asked   bool          // the server asked for a client certificate
}

// config returns the client configuration. Verification is not skipped:
// InsecureSkipVerify only moves it from inside crypto/tls to
// verifyConnection, which always runs, so that the served chain is
// captured even when it does not verify. A failed verification aborts the
// handshake as it would in any client.
func (s *session) config() *tls.Config {
	return &tls.Config{
		ServerName:           s.name,
		InsecureSkipVerify:   true,
		VerifyConnection:     s.verifyConnection,
		GetClientCertificate: s.getClientCertificate,
	}
}

func (s *session) verifyConnection(cs tls.ConnectionState) error {
	if len(cs.PeerCertificates) == 0 {
		s.verifyErr = errors.New("tls_probe: the server sent no certificate")
		return s.verifyErr
	}
	s.chain = cs.PeerCertificates
	s.verifyErr = certs.VerifyChain(s.chain, s.roots, s.name, x509.ExtKeyUsageServerAuth)
	return s.verifyErr
}

// getClientCertificate presents the configured certificate whatever CAs
// the server says it accepts (as curl and openssl do), so that a wrong
// client certificate is rejected by the server, visibly, rather than
// silently withheld; without one it presents none.
func (s *session) getClientCertificate(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
	s.certRequested = true
	if s.clientCert == nil {
		return &tls.Certificate{}, nil
	}
	return s.clientCert, nil
}

// run dials endpoint from h and shakes hands. Every failure is an outcome,
// not an error: the caller decides whether a verdict is fatal.
func (s *session) run(ctx context.Context, h steps.Host, endpoint string) outcome {
	start := time.Now()
	conn, err := h.DialContext(ctx, "tcp", endpoint)
	if err != nil {
		o := outcome{verdict: dialVerdict(ctx, err), err: err, elapsed: time.Since(start)}
		return o.phase("dial")
	}
	defer conn.Close()
	tc := tls.Client(conn, s.config())
	err = tc.HandshakeContext(ctx)
	o := outcome{chain: s.chain, elapsed: time.Since(start), asked: s.certRequested}
	if err != nil {
		o.verdict, o.err = handshakeVerdict(ctx, err, s.verifyErr, s.certRequested), err
		if s.verifyErr != nil {
			o.err = s.verifyErr
		}
		return o.phase("handshake")
	}
	o.version = tc.ConnectionState().Version
	if o.version == tls.VersionTLS13 && s.certRequested {
		if err := tlsread.First(ctx, tc, conn, nil, readWindow(o.elapsed)); err != nil {
			o.verdict, o.err = handshakeVerdict(ctx, err, nil, true), err
			return o.phase("first read")
		}
	}
	o.verdict = VerdictOK
	return o
}

// phase says, for a timeout, what was still going on: "dial",
// "handshake" or "first read" (other errors say it themselves).
func (o outcome) phase(what string) outcome {
	if o.verdict == VerdictTimeout {
		o.err = fmt.Errorf("%s: no answer after %s: %w", what, o.elapsed.Round(time.Millisecond), o.err)
	}
	return o
}

func readWindow(handshake time.Duration) time.Duration {
	return min(max(3*handshake, readWindowMin), readWindowMax)
}
