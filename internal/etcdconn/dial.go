package etcdconn

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"time"

	"github.com/mend-sh/mend/steps"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
	"google.golang.org/grpc"
)

// Default timeouts: generous on purpose. etcdctl's old 1 s default made a
// slow etcd look dead on the night this project was started for.
const (
	DefaultDialTimeout = 10 * time.Second
	DefaultCallTimeout = 15 * time.Second
)

// Files names the TLS files on the step's host: the CA bundle that must
// verify the members' certificates, and the client certificate and key
// presented to them.
type Files struct {
	CA, Cert, Key string
}

// Timeouts bound every network operation: Dial the TCP connection and
// TLS handshake (and pre-flight), Call each RPC.
type Timeouts struct {
	Dial, Call time.Duration
}

// String is "dial 10s, call 15s", for results and plans.
func (t Timeouts) String() string { return fmt.Sprintf("dial %s, call %s", t.Dial, t.Call) }

// Dialer reaches etcd endpoints from one host. It is safe for concurrent use.
type Dialer struct {
	Host     steps.Host
	Timeouts Timeouts
	roots    *x509.CertPool
	cert     tls.Certificate
}

// Dial reads files from h and returns a Dialer using them. Errors name
// files and hosts, never content; a missing or unparsable file is a
// steps.ClassStep error that says which.
func Dial(ctx context.Context, h steps.Host, files Files, t Timeouts) (*Dialer, error) {
	ctx, cancel := context.WithTimeout(ctx, t.Dial)
	defer cancel()
	caPEM, err := readFile(ctx, h, "ca_file", files.CA)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		return nil, steps.Errorf(steps.ClassStep, "ca_file %s on %s holds no PEM certificate", files.CA, h.Info().Name)
	}
	certPEM, err := readFile(ctx, h, "cert_file", files.Cert)
	if err != nil {
		return nil, err
	}
	keyPEM, err := readFile(ctx, h, "key_file", files.Key)
	if err != nil {
		return nil, err
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		// crypto/tls's messages name PEM block types, never key bytes.
		return nil, steps.Errorf(steps.ClassStep, "client certificate %s / key %s on %s: %v", files.Cert, files.Key, h.Info().Name, err)
	}
	return &Dialer{Host: h, Timeouts: t, roots: roots, cert: pair}, nil
}

func readFile(ctx context.Context, h steps.Host, what, path string) ([]byte, error) {
	f, err := h.ReadFile(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("%s: read %s on %s: %w", what, path, h.Info().Name, err)
	}
	if !f.Exists {
		return nil, steps.Errorf(steps.ClassStep, "%s: %s on %s: no such file", what, path, h.Info().Name)
	}
	return f.Content, nil
}

// TLS is the client configuration for an endpoint: the CA as roots, the
// client certificate presented whenever asked (also when the server names
// other CAs, so that a wrong certificate is rejected visibly instead of
// silently withheld), and serverName verified ("" lets gRPC use the
// endpoint's host).
func (d *Dialer) TLS(serverName string) *tls.Config {
	cert := d.cert
	return &tls.Config{
		RootCAs:    d.roots,
		ServerName: serverName,
		MinVersion: tls.VersionTLS12,
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			return &cert, nil
		},
	}
}

// dial opens a TCP connection to addr from the host.
func (d *Dialer) dial(ctx context.Context, addr string) (net.Conn, error) {
	return d.Host.DialContext(ctx, "tcp", addr)
}

// Client returns a clientv3 client of eps whose connections are dialled
// from the host. It does no I/O (the v3 client connects lazily): call
// Preflight first, and bound every call with d.Timeouts.Call (CallContext).
// The caller closes it.
func (d *Dialer) Client(eps ...Endpoint) (*clientv3.Client, error) {
	cli, err := clientv3.New(clientv3.Config{
		Endpoints:            URLs(eps),
		TLS:                  d.TLS(""),
		DialTimeout:          d.Timeouts.Dial,
		DialKeepAliveTime:    10 * time.Second,
		DialKeepAliveTimeout: d.Timeouts.Call,
		Logger:               zap.NewNop(),
		DialOptions: []grpc.DialOption{grpc.WithContextDialer(func(ctx context.Context, addr string) (net.Conn, error) {
			return d.dial(ctx, addr)
		})},
	})
	if err != nil {
		return nil, fmt.Errorf("etcd client for %v: %w", URLs(eps), err)
	}
	return cli, nil
}

// CallContext bounds one RPC by d.Timeouts.Call.
func (d *Dialer) CallContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d.Timeouts.Call)
}
