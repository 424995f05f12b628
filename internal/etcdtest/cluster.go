package etcdtest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/etcdconn"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// Cluster is a running test cluster.
type Cluster struct {
	PKI     *PKI
	Members []*Member
	Dir     string // temp dir holding certificates, data dirs and logs
	Token   string // --initial-cluster-token
	Bin     string // the etcd binary

	t     testing.TB
	extra []string
}

// Option changes how Start sets a cluster up.
type Option func(*Cluster)

// WithBin runs the cluster with another etcd binary (see CurrentBin).
func WithBin(bin string) Option { return func(c *Cluster) { c.Bin = bin } }

// WithArgs adds etcd flags to every member ("--quota-backend-bytes=...").
func WithArgs(args ...string) Option { return func(c *Cluster) { c.extra = append(c.extra, args...) } }

// Bin returns the etcd binary tests use: $MEND_ETCD_BIN, else etcd on PATH.
// It skips t when there is none (fails under CI).
func Bin(t testing.TB) string {
	t.Helper()
	bin := os.Getenv("MEND_ETCD_BIN")
	if bin == "" {
		bin = "etcd"
	}
	path, err := exec.LookPath(bin)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("etcdtest: etcd is required in CI: %v", err)
		}
		t.Skipf("etcdtest: etcd not installed (scripts/deps.sh installs it): %v", err)
	}
	return path
}

// Start starts an n-member cluster with mutual TLS (member names m1..mn)
// and waits until every member answers a linearizable read.
func Start(t testing.TB, n int, opts ...Option) *Cluster {
	t.Helper()
	c := &Cluster{Dir: t.TempDir(), Token: "etcdtest-" + strconv.FormatInt(time.Now().UnixNano(), 36), t: t}
	for _, o := range opts {
		o(c)
	}
	if c.Bin == "" {
		c.Bin = Bin(t)
	}
	c.PKI = newPKI(t, c.Dir)
	for i := range n {
		c.Members = append(c.Members, c.NewMember(t, fmt.Sprintf("m%d", i+1)))
	}
	initial := c.InitialCluster(c.Members...)
	for _, m := range c.Members {
		m.InitialCluster, m.State = initial, "new"
		m.Start(t)
	}
	c.WaitHealthy(t, 60*time.Second)
	return c
}

// NewMember makes a member's certificate, ports and data dir path, but
// neither registers nor starts it (see Member.Start).
func (c *Cluster) NewMember(t testing.TB, name string) *Member {
	t.Helper()
	cert, key := c.PKI.MemberCert(t, name)
	cp, pp := freePort(t), freePort(t)
	return &Member{
		Name: name, cluster: c,
		ClientAddr: net.JoinHostPort("127.0.0.1", strconv.Itoa(cp)),
		PeerURL:    "https://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(pp)),
		DataDir:    filepath.Join(c.Dir, name+".etcd"),
		CertFile:   cert, KeyFile: key, ServeCert: cert, ServeKey: key,
		LogFile: filepath.Join(c.Dir, name+".log"),
	}
}

// InitialCluster is the --initial-cluster value naming members.
func (c *Cluster) InitialCluster(members ...*Member) string {
	parts := make([]string, len(members))
	for i, m := range members {
		parts[i] = m.Name + "=" + m.PeerURL
	}
	return strings.Join(parts, ",")
}

// Endpoints are the members' client URLs ("https://127.0.0.1:port").
func (c *Cluster) Endpoints() []string {
	eps := make([]string, len(c.Members))
	for i, m := range c.Members {
		eps[i] = m.ClientURL()
	}
	return eps
}

// TLS is a client configuration trusting the cluster's CA and presenting
// the client certificate.
func (c *Cluster) TLS(t testing.TB) *tls.Config {
	t.Helper()
	pair, err := tls.LoadX509KeyPair(c.PKI.ClientCert, c.PKI.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	caPEM, err := os.ReadFile(c.PKI.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	return &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}}
}

// Client is a direct client of the given endpoints (default: every
// member's), closed in t.Cleanup.
func (c *Cluster) Client(t testing.TB, endpoints ...string) *clientv3.Client {
	t.Helper()
	if len(endpoints) == 0 {
		endpoints = c.Endpoints()
	}
	cli, err := clientv3.New(clientv3.Config{Endpoints: endpoints, TLS: c.TLS(t), DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}

// WaitHealthy waits until every running member answers a linearizable
// read through its own endpoint, or fails t after timeout.
func (c *Cluster) WaitHealthy(t testing.TB, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for _, m := range c.Members {
		if !m.Running() {
			continue
		}
		cli := c.Client(t, m.ClientURL())
		for {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			_, err := cli.Get(ctx, "health")
			cancel()
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("etcdtest: %s not healthy after %s: %v\nlog tail:\n%s", m.Name, timeout, err, m.LogTail(30))
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}

// Leader returns the member that is leader now, as seen by a running
// member's Status, or fails t.
func (c *Cluster) Leader(t testing.TB) *Member {
	t.Helper()
	for _, m := range c.Members {
		if !m.Running() {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		st, err := c.Client(t, m.ClientURL()).Status(ctx, m.ClientURL())
		cancel()
		if err != nil || st.Leader == 0 {
			continue
		}
		for _, l := range c.Members {
			if l.Running() && l.ID(t) == st.Leader {
				return l
			}
		}
	}
	t.Fatal("etcdtest: no leader")
	return nil
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Args are the connection arguments of an etcd step for this cluster:
// every member's endpoint, the CA and the client certificate.
func (c *Cluster) Args() etcdconn.Args {
	return etcdconn.Args{Endpoints: c.Endpoints(), CAFile: c.PKI.CAFile, CertFile: c.PKI.ClientCert, KeyFile: c.PKI.ClientKey}
}
