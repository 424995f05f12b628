package tlsprobe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"

	"github.com/mend-sh/mend/internal/certs"
	"github.com/mend-sh/mend/steps"
)

// credentials are what the probe trusts and presents, read once from the
// target host and shared by every endpoint's session.
type credentials struct {
	roots      *x509.CertPool
	clientCert *tls.Certificate // nil: present none
}

// session returns a fresh session verifying name, for one connection.
func (c *credentials) session(name string) *session {
	return &session{roots: c.roots, clientCert: c.clientCert, name: name}
}

// readCredentials reads the probe's trust (ca_file) and, when configured,
// its client certificate and key from h, the target host. The key stays
// in memory for the handshakes only; errors name files, never content.
func readCredentials(ctx context.Context, h steps.Host, cfg *Config) (*credentials, certs.HostFile, error) {
	ca, err := certs.ReadBundle(ctx, h, cfg.CAFile)
	if err != nil {
		return nil, ca, fmt.Errorf("tls_probe: ca_file: %w", err)
	}
	c := &credentials{roots: ca.Pool()}
	if cfg.CertFile == "" {
		return c, ca, nil
	}
	pair, err := readKeyPair(ctx, h, cfg.CertFile, cfg.KeyFile)
	if err != nil {
		return nil, ca, err
	}
	c.clientCert = &pair
	return c, ca, nil
}

func readKeyPair(ctx context.Context, h steps.Host, certFile, keyFile string) (tls.Certificate, error) {
	certPEM, err := readFile(ctx, h, "cert_file", certFile)
	if err != nil {
		return tls.Certificate{}, err
	}
	keyPEM, err := readFile(ctx, h, "key_file", keyFile)
	if err != nil {
		return tls.Certificate{}, err
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		// crypto/tls's messages name PEM block types, never key bytes.
		return tls.Certificate{}, steps.Errorf(steps.ClassStep, "tls_probe: client certificate %s / key %s on %s: %v",
			certFile, keyFile, h.Info().Name, err)
	}
	return pair, nil
}

func readFile(ctx context.Context, h steps.Host, what, path string) ([]byte, error) {
	f, err := h.ReadFile(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("tls_probe: %s: read %s on %s: %w", what, path, h.Info().Name, err)
	}
	if !f.Exists {
		return nil, steps.Errorf(steps.ClassStep, "tls_probe: %s: %s on %s: no such file", what, path, h.Info().Name)
	}
	return f.Content, nil
}
