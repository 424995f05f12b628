package tlsprobe_test

import (
	"context"
	"crypto/tls"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/tlsprobe"
	"github.com/zclconf/go-cty/cty"
)

// probed is the part of tls_probe's output a case checks.
type probed struct {
	Verdict      string
	OK           bool
	ServedIssuer string
	Chain        []string // subjects, leaf first
	VerifiedBy   []string
	TLSVersion   string
	Asked        string // "yes", "" (no) or "?" (null: the handshake stopped at the server's certificate)
}

func readProbed(out cty.Value) probed {
	var chain []string
	for it := out.GetAttr("served_chain").ElementIterator(); it.Next(); {
		_, c := it.Element()
		chain = append(chain, c.GetAttr("subject").AsString())
	}
	var verified []string
	for it := out.GetAttr("verified_by").ElementIterator(); it.Next(); {
		_, v := it.Element()
		verified = append(verified, v.AsString())
	}
	return probed{
		Verdict:      out.GetAttr("verdict").AsString(),
		OK:           out.GetAttr("ok").True(),
		ServedIssuer: out.GetAttr("served_issuer").AsString(),
		Chain:        chain,
		VerifiedBy:   verified,
		TLSVersion:   out.GetAttr("tls_version").AsString(),
		Asked:        askedOf(out.GetAttr("client_cert_requested")),
	}
}

// probeCase is one probe against one test server.
type probeCase struct {
	name    string
	server  func(t *testing.T) string // starts the server, returns its address
	cfg     func(addr string) *tlsprobe.Config
	timeout time.Duration
	want    probed
	wantErr string // substring of the output's error; "" means the error must be empty
}

func probeCases(l *lab, s *servers) []probeCase {
	tlsSrv := func(cert tls.Certificate, max uint16, mtls bool) func(t *testing.T) string {
		return func(t *testing.T) string {
			cfg := serverConfig(cert, max, nil)
			if mtls {
				cfg = serverConfig(cert, max, l.clientPool())
			}
			return s.tlsServer(t, cfg)
		}
	}
	trusting := func(ca string) func(string) *tlsprobe.Config {
		return func(addr string) *tlsprobe.Config { return &tlsprobe.Config{Endpoint: addr, CAFile: l.files[ca]} }
	}
	withClient := func(cert, key string) func(string) *tlsprobe.Config {
		return func(addr string) *tlsprobe.Config {
			return &tlsprobe.Config{Endpoint: addr, CAFile: l.files["ca1"], CertFile: l.files[cert], KeyFile: l.files[key]}
		}
	}
	etcd := []string{"CN=etcd-01"}
	lab := "CN=Puppet CA: lab"
	return []probeCase{
		{name: "ok TLS 1.3", server: tlsSrv(l.etcdTLS(), tls.VersionTLS13, false), cfg: trusting("ca1"),
			want: probed{Verdict: "ok", OK: true, ServedIssuer: lab, Chain: etcd, TLSVersion: "TLS 1.3"}},
		{name: "ok TLS 1.2", server: tlsSrv(l.etcdTLS(), tls.VersionTLS12, false), cfg: trusting("ca1"),
			want: probed{Verdict: "ok", OK: true, ServedIssuer: lab, Chain: etcd, TLSVersion: "TLS 1.2"}},
		{name: "ok with the CA in the served chain", server: tlsSrv(l.etcd.TLS(l.ca1.Cert), tls.VersionTLS13, false), cfg: trusting("ca1"),
			want: probed{Verdict: "ok", OK: true, ServedIssuer: lab, Chain: []string{"CN=etcd-01", lab}, TLSVersion: "TLS 1.3"}},
		{name: "unknown_authority: same-named CA, candidates say which works",
			server: tlsSrv(l.etcdTLS(), tls.VersionTLS13, false),
			cfg: func(addr string) *tlsprobe.Config {
				return &tlsprobe.Config{Endpoint: addr, CAFile: l.files["ca2"], CandidateCAFiles: refs(
					cty.StringVal(l.files["ca2"]), cty.StringVal(l.files["ca1"]), onHost("etcd", l.files["ca1"]))}
			},
			want: probed{Verdict: "unknown_authority", Asked: "?", ServedIssuer: lab, Chain: etcd,
				VerifiedBy: []string{l.files["ca1"], "etcd:" + l.files["ca1"]}},
			wantErr: `x509: certificate signed by unknown authority`},
		{name: "expired", server: tlsSrv(l.expired.TLS(), tls.VersionTLS13, false), cfg: trusting("ca1"),
			want:    probed{Verdict: "expired", Asked: "?", ServedIssuer: lab, Chain: []string{"CN=etcd-old"}},
			wantErr: "x509: certificate has expired or is not yet valid: current time "},
		{name: "name_mismatch: dialled by IP", server: tlsSrv(l.wrongNm.TLS(), tls.VersionTLS13, false), cfg: trusting("ca1"),
			want:    probed{Verdict: "name_mismatch", Asked: "?", ServedIssuer: lab, Chain: []string{"CN=etcd.example"}},
			wantErr: "x509: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs"},
		{name: "name_mismatch: server_name", server: tlsSrv(l.etcdTLS(), tls.VersionTLS13, false),
			cfg: func(addr string) *tlsprobe.Config {
				return &tlsprobe.Config{Endpoint: addr, ServerName: "etcd-02.example", CAFile: l.files["ca1"]}
			},
			want:    probed{Verdict: "name_mismatch", Asked: "?", ServedIssuer: lab, Chain: etcd},
			wantErr: "x509: certificate is valid for etcd-01.example, not etcd-02.example"},
		{name: "server_name matches a DNS SAN", server: tlsSrv(l.wrongNm.TLS(), tls.VersionTLS13, false),
			cfg: func(addr string) *tlsprobe.Config {
				return &tlsprobe.Config{Endpoint: addr, ServerName: "etcd.example", CAFile: l.files["ca1"]}
			},
			want: probed{Verdict: "ok", OK: true, ServedIssuer: lab, Chain: []string{"CN=etcd.example"}, TLSVersion: "TLS 1.3"}},
		{name: "mTLS accepted, TLS 1.3", server: tlsSrv(l.etcdTLS(), tls.VersionTLS13, true), cfg: withClient("client", "client.key"),
			want: probed{Verdict: "ok", OK: true, ServedIssuer: lab, Chain: etcd, TLSVersion: "TLS 1.3", Asked: "yes"}},
		{name: "mTLS accepted, TLS 1.2", server: tlsSrv(l.etcdTLS(), tls.VersionTLS12, true), cfg: withClient("client", "client.key"),
			want: probed{Verdict: "ok", OK: true, ServedIssuer: lab, Chain: etcd, TLSVersion: "TLS 1.2", Asked: "yes"}},
		{name: "client_cert_rejected: none given, TLS 1.3 (first Read)", server: tlsSrv(l.etcdTLS(), tls.VersionTLS13, true), cfg: trusting("ca1"),
			want:    probed{Verdict: "client_cert_rejected", ServedIssuer: lab, Chain: etcd, TLSVersion: "TLS 1.3", Asked: "yes"},
			wantErr: "remote error: tls: certificate required"},
		{name: "client_cert_rejected: wrong CA, TLS 1.3 (first Read)", server: tlsSrv(l.etcdTLS(), tls.VersionTLS13, true), cfg: withClient("rogue", "rogue.key"),
			want:    probed{Verdict: "client_cert_rejected", ServedIssuer: lab, Chain: etcd, TLSVersion: "TLS 1.3", Asked: "yes"},
			wantErr: "remote error: tls: unknown certificate authority"},
		{name: "client_cert_rejected: wrong CA, TLS 1.2 (handshake)", server: tlsSrv(l.etcdTLS(), tls.VersionTLS12, true), cfg: withClient("rogue", "rogue.key"),
			want:    probed{Verdict: "client_cert_rejected", ServedIssuer: lab, Chain: etcd, Asked: "yes"},
			wantErr: "remote error: tls: unknown certificate authority"},
		{name: "client_cert_rejected: none given, TLS 1.2 (handshake)", server: tlsSrv(l.etcdTLS(), tls.VersionTLS12, true), cfg: trusting("ca1"),
			want:    probed{Verdict: "client_cert_rejected", ServedIssuer: lab, Chain: etcd, Asked: "yes"},
			wantErr: "remote error: tls: handshake failure"},
		{name: "unreachable", server: closedPort,
			cfg: func(addr string) *tlsprobe.Config {
				return &tlsprobe.Config{Endpoint: addr, CAFile: l.files["ca1"], CandidateCAFiles: refs(cty.StringVal(l.files["ca1"]))}
			},
			want: probed{Verdict: "unreachable", Asked: "?"}, wantErr: "connection refused"},
		{name: "timeout: the server never answers", server: s.silent, cfg: trusting("ca1"), timeout: 300 * time.Millisecond,
			want: probed{Verdict: "timeout", Asked: "?"}, wantErr: "handshake: no answer after "},
		{name: "handshake_failed: not TLS", server: s.notTLS, cfg: trusting("ca1"),
			want: probed{Verdict: "handshake_failed", Asked: "?"}, wantErr: "tls: first record does not look like a TLS handshake"},
	}
}

func TestProbeVerdicts(t *testing.T) {
	l := newLab(t)
	s := newServers(t)
	inv := localInventory()
	for _, tc := range probeCases(l, s) {
		t.Run(tc.name, func(t *testing.T) {
			resp := runProbe(t, inv["master"], inv, tc.cfg(tc.server(t)), tc.timeout)
			checkProbe(t, tc, resp)
		})
	}
}

// runProbe validates cfg and probes from h; a Diagnose error fails t.
func runProbe(t *testing.T, h steps.Host, inv inventory, cfg *tlsprobe.Config, timeout time.Duration) steps.DiagnoseResponse {
	t.Helper()
	if err := (tlsprobe.Probe{}).ValidateConfig(cfg); err != nil {
		t.Fatalf("ValidateConfig: %v", err)
	}
	resp, err := tlsprobe.Probe{}.Diagnose(context.Background(), steps.DiagnoseRequest{
		Config: cfg, Host: h, Hosts: inv, Timeout: timeout})
	if err != nil {
		t.Fatalf("Diagnose: %v", err)
	}
	if !resp.Output.Type().Equals(tlsprobe.Probe{}.Output()) {
		t.Fatalf("output type does not conform to Output(): %#v", resp.Output.Type())
	}
	return resp
}

func checkProbe(t *testing.T, tc probeCase, resp steps.DiagnoseResponse) {
	t.Helper()
	if diff := cmp.Diff(tc.want, readProbed(resp.Output)); diff != "" {
		t.Errorf("output (-want +got):\n%s\nsummary: %s\ndetails:\n%s", diff, resp.Summary, strings.Join(resp.Details, "\n"))
	}
	gotErr := resp.Output.GetAttr("error").AsString()
	if (tc.wantErr == "") != (gotErr == "") || !strings.Contains(gotErr, tc.wantErr) {
		t.Errorf("error = %q, want it to contain %q", gotErr, tc.wantErr)
	}
	want := []endpointResult{{Endpoint: resp.Output.GetAttr("endpoint").AsString(), Verdict: tc.want.Verdict,
		OK: tc.want.OK, Error: tc.wantErr != ""}}
	if diff := cmp.Diff(want, readEndpoints(resp.Output)); diff != "" {
		t.Errorf("endpoints (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(resp.Summary, tc.want.Verdict+": ") {
		t.Errorf("summary %q does not start with the verdict", resp.Summary)
	}
}

func askedOf(v cty.Value) string {
	switch {
	case v.IsNull():
		return "?"
	case v.True():
		return "yes"
	}
	return ""
}
