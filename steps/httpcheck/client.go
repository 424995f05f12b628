package httpcheck

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/mend-sh/mend/steps"
)

// dialer makes the request's connections and remembers the last dial
// error, which tells "never connected" apart from failures after.
type dialer struct {
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
	mu   sync.Mutex
	err  error
}

func (d *dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := d.dial(ctx, network, addr)
	if err != nil {
		d.mu.Lock()
		d.err = err
		d.mu.Unlock()
	}
	return c, err
}

func (d *dialer) lastErr() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.err
}

// client builds a one-shot HTTP client: connections through d, no proxy
// from the environment (a proxy would change whose point of view the
// check has), no keep-alive, redirects not followed (a health endpoint
// that redirects is reported as its 3xx), TLS verified against the CA
// file when given, else the system roots.
func (r request) client(ctx context.Context, h steps.Host, timeout time.Duration) (*http.Client, *dialer, error) {
	d := &dialer{dial: (&net.Dialer{}).DialContext}
	if r.viaSSH {
		if h == nil {
			return nil, nil, steps.Errorf(steps.ClassConfig, "http_check %s: via_ssh needs a target host: set on, or via_ssh = false", r.url.Redacted())
		}
		d.dial = h.DialContext
	}
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
	if r.caFile != "" {
		pool, err := r.roots(ctx, h)
		if err != nil {
			return nil, nil, err
		}
		tlsConf.RootCAs = pool
	}
	tr := &http.Transport{
		DialContext:         d.DialContext,
		TLSClientConfig:     tlsConf,
		DisableKeepAlives:   true,
		TLSHandshakeTimeout: timeout,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, d, nil
}

// roots reads ca_file from the target host, or from the local machine
// for a check without a host.
func (r request) roots(ctx context.Context, h steps.Host) (*x509.CertPool, error) {
	var pem []byte
	if h == nil {
		b, err := os.ReadFile(r.caFile)
		if err != nil {
			return nil, steps.Errorf(steps.ClassStep, "http_check: ca_file: %v", err)
		}
		pem = b
	} else {
		f, err := h.ReadFile(ctx, r.caFile)
		if err != nil {
			return nil, fmt.Errorf("http_check: read ca_file %s: %w", r.caFile, err)
		}
		if !f.Exists {
			return nil, steps.Errorf(steps.ClassStep, "http_check: ca_file %s does not exist on %s", r.caFile, h.Info().Name)
		}
		pem = f.Content
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, steps.Errorf(steps.ClassStep, "http_check: ca_file %s holds no PEM certificate", r.caFile)
	}
	return pool, nil
}
