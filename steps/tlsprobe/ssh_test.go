package tlsprobe_test

import (
	"crypto/tls"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/tlsprobe"
	"github.com/zclconf/go-cty/cty"
)

// TestProbeThroughSSH probes from a host reached through a real OpenSSH
// sshd: files are read and the endpoint dialled through mend's SSH
// transport (a direct-tcpip channel, which has no deadlines, so this also
// proves the first-read window ends by closing the channel).
func TestProbeThroughSSH(t *testing.T) {
	srv := sshtest.Start(t)
	h := srv.Host(t)
	l := newLab(t)
	s := newServers(t)
	inv := inventory{h.Info().Name: h, "etcd": localInventory()["etcd"]}
	lab := "CN=Puppet CA: lab"
	etcd := []string{"CN=etcd-01"}
	mtls := func(max uint16) func(*testing.T) string {
		return func(t *testing.T) string { return s.tlsServer(t, serverConfig(l.etcdTLS(), max, l.clientPool())) }
	}
	cases := []probeCase{
		{name: "ok", server: func(t *testing.T) string { return s.tlsServer(t, serverConfig(l.etcdTLS(), tls.VersionTLS13, nil)) },
			cfg: func(addr string) *tlsprobe.Config {
				return &tlsprobe.Config{Endpoint: addr, CAFile: l.files["ca1"], CandidateCAFiles: refs(cty.StringVal(l.files["ca1"]))}
			},
			want: probed{Verdict: "ok", OK: true, ServedIssuer: lab, Chain: etcd, TLSVersion: "TLS 1.3", VerifiedBy: []string{l.files["ca1"]}}},
		{name: "unknown_authority", server: func(t *testing.T) string { return s.tlsServer(t, serverConfig(l.etcdTLS(), tls.VersionTLS13, nil)) },
			cfg: func(addr string) *tlsprobe.Config {
				return &tlsprobe.Config{Endpoint: addr, CAFile: l.files["ca2"], CandidateCAFiles: refs(onHost("etcd", l.files["ca1"]))}
			},
			want:    probed{Verdict: "unknown_authority", Asked: "?", ServedIssuer: lab, Chain: etcd, VerifiedBy: []string{"etcd:" + l.files["ca1"]}},
			wantErr: "a same-named CA replaced the one that signed it"},
		{name: "mTLS accepted, TLS 1.3", server: mtls(tls.VersionTLS13),
			cfg: func(addr string) *tlsprobe.Config {
				return &tlsprobe.Config{Endpoint: addr, CAFile: l.files["ca1"], CertFile: l.files["client"], KeyFile: l.files["client.key"]}
			},
			want: probed{Verdict: "ok", OK: true, ServedIssuer: lab, Chain: etcd, TLSVersion: "TLS 1.3", Asked: "yes"}},
		{name: "client_cert_rejected, TLS 1.3", server: mtls(tls.VersionTLS13),
			cfg: func(addr string) *tlsprobe.Config {
				return &tlsprobe.Config{Endpoint: addr, CAFile: l.files["ca1"], CertFile: l.files["rogue"], KeyFile: l.files["rogue.key"]}
			},
			want:    probed{Verdict: "client_cert_rejected", ServedIssuer: lab, Chain: etcd, TLSVersion: "TLS 1.3", Asked: "yes"},
			wantErr: "remote error: tls: unknown certificate authority"},
		{name: "unreachable", server: closedPort,
			cfg:  func(addr string) *tlsprobe.Config { return &tlsprobe.Config{Endpoint: addr, CAFile: l.files["ca1"]} },
			want: probed{Verdict: "unreachable", Asked: "?"}, wantErr: "connect failed"},
		{name: "timeout", server: s.silent, timeout: 300 * time.Millisecond,
			cfg:  func(addr string) *tlsprobe.Config { return &tlsprobe.Config{Endpoint: addr, CAFile: l.files["ca1"]} },
			want: probed{Verdict: "timeout", Asked: "?"}, wantErr: "handshake: no answer after "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := runProbe(t, steps.Host(h), inv, tc.cfg(tc.server(t)), tc.timeout)
			checkProbe(t, tc, resp)
		})
	}
}
