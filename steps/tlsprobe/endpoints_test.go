package tlsprobe_test

import (
	"crypto/tls"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/certs/certstest"
	"github.com/mend-sh/mend/steps/tlsprobe"
	"github.com/zclconf/go-cty/cty"
)

// endpointResult is one element of the output's `endpoints`; Error holds
// whether the element's error is non-empty.
type endpointResult struct {
	Endpoint string
	Verdict  string
	OK       bool
	Error    bool
}

func readEndpoints(out cty.Value) []endpointResult {
	var rs []endpointResult
	for it := out.GetAttr("endpoints").ElementIterator(); it.Next(); {
		_, e := it.Element()
		rs = append(rs, endpointResult{
			Endpoint: e.GetAttr("endpoint").AsString(),
			Verdict:  e.GetAttr("verdict").AsString(),
			OK:       e.GetAttr("ok").True(),
			Error:    e.GetAttr("error").AsString() != "",
		})
	}
	return rs
}

// multiCase probes several endpoints: servers start them (in order).
type multiCase struct {
	name         string
	servers      []func(t *testing.T) string
	ca           string // ca_file, a lab file name
	candidates   func() cty.Value
	want         probed
	wantVerdicts []string // per endpoint
	wantEndpoint int      // index of the output's `endpoint`
	wantErr      string   // substring of the output's error; "" means empty
	wantSummary  func(eps []string) string
}

// multiCases' other server presents other, issued by a CA that is not
// the lab's; files["extra"] holds that CA, files["both"] it and CA1.
func multiCases(l *lab, s *servers, other certstest.Cert, files map[string]string) []multiCase {
	etcdSrv := func(t *testing.T) string { return s.tlsServer(t, serverConfig(l.etcdTLS(), tls.VersionTLS13, nil)) }
	otherSrv := func(t *testing.T) string { return s.tlsServer(t, serverConfig(other.TLS(), tls.VersionTLS13, nil)) }
	lab, etcd := "CN=Puppet CA: lab", []string{"CN=etcd-01"}
	return []multiCase{
		{name: "three endpoints, all ok", servers: []func(*testing.T) string{etcdSrv, etcdSrv, etcdSrv}, ca: "ca1",
			candidates:   func() cty.Value { return refs(cty.StringVal(l.files["ca2"]), cty.StringVal(l.files["ca1"])) },
			want:         probed{Verdict: "ok", OK: true, ServedIssuer: lab, Chain: etcd, TLSVersion: "TLS 1.3", VerifiedBy: []string{l.files["ca1"]}},
			wantVerdicts: []string{"ok", "ok", "ok"},
			wantSummary: func(eps []string) string {
				return "ok on 3 of 3 endpoints (" + strings.Join(eps, ", ") + "); verified by " + l.files["ca1"]
			}},
		{name: "one member down must not hide the CA mismatch", servers: []func(*testing.T) string{closedPort, etcdSrv, etcdSrv}, ca: "ca2",
			candidates: func() cty.Value { return refs(cty.StringVal(l.files["ca2"]), onHost("etcd", l.files["ca1"])) },
			want: probed{Verdict: "unknown_authority", Asked: "?", ServedIssuer: lab, Chain: etcd,
				VerifiedBy: []string{"etcd:" + l.files["ca1"]}},
			wantVerdicts: []string{"unreachable", "unknown_authority", "unknown_authority"}, wantEndpoint: 1,
			wantErr: "x509: certificate signed by unknown authority",
			wantSummary: func(eps []string) string {
				return "unknown_authority on 2 of 3 endpoints (" + eps[1] + ", " + eps[2] + "); unreachable: " + eps[0] +
					"; verified by etcd:" + l.files["ca1"]
			}},
		{name: "all unreachable", servers: []func(*testing.T) string{closedPort, closedPort, closedPort}, ca: "ca1",
			candidates:   func() cty.Value { return refs(cty.StringVal(l.files["ca1"])) },
			want:         probed{Verdict: "unreachable", Asked: "?"},
			wantVerdicts: []string{"unreachable", "unreachable", "unreachable"}, wantErr: "connection refused",
			wantSummary: func(eps []string) string {
				return "unreachable on 3 of 3 endpoints (" + strings.Join(eps, ", ") + ")"
			}},
		{name: "verified_by is the intersection; a chainless endpoint does not count",
			servers: []func(*testing.T) string{etcdSrv, closedPort, otherSrv}, ca: "ca1",
			candidates: func() cty.Value {
				return refs(cty.StringVal(l.files["ca1"]), cty.StringVal(files["extra"]), cty.StringVal(files["both"]))
			},
			want: probed{Verdict: "unknown_authority", ServedIssuer: lab, Chain: etcd, TLSVersion: "TLS 1.3",
				VerifiedBy: []string{files["both"]}},
			wantVerdicts: []string{"ok", "unreachable", "unknown_authority"}, wantEndpoint: 2,
			wantErr: "x509: certificate signed by unknown authority",
			wantSummary: func(eps []string) string {
				return "unknown_authority on 1 of 3 endpoints (" + eps[2] + "); unreachable: " + eps[1] + "; ok: " + eps[0] +
					"; verified by " + files["both"]
			}},
		{name: "no candidate verifies every served chain",
			servers: []func(*testing.T) string{etcdSrv, otherSrv}, ca: "ca1",
			candidates:   func() cty.Value { return refs(cty.StringVal(l.files["ca1"]), cty.StringVal(files["extra"])) },
			want:         probed{Verdict: "unknown_authority", ServedIssuer: lab, Chain: etcd, TLSVersion: "TLS 1.3"},
			wantVerdicts: []string{"ok", "unknown_authority"}, wantEndpoint: 1,
			wantErr: "x509: certificate signed by unknown authority",
			wantSummary: func(eps []string) string {
				return "unknown_authority on 1 of 2 endpoints (" + eps[1] + "); ok: " + eps[0] + "; no candidate CA verifies every served chain"
			}},
	}
}

func TestProbeEndpoints(t *testing.T) {
	l := newLab(t)
	s := newServers(t)
	inv := localInventory()
	extra := certstest.NewCA(t, "etcd CA: other")
	dir := t.TempDir()
	files := map[string]string{
		"extra": certstest.WriteFile(t, dir, "extra.pem", extra.PEM()),
		"both":  certstest.WriteFile(t, dir, "both.pem", l.ca1.PEM(), extra.PEM()),
	}
	other := extra.Issue(t, certstest.Options{CommonName: "etcd-03", IPs: []string{"127.0.0.1"}})
	for _, tc := range multiCases(l, s, other, files) {
		t.Run(tc.name, func(t *testing.T) {
			var eps []string
			for _, start := range tc.servers {
				eps = append(eps, start(t))
			}
			cfg := &tlsprobe.Config{Endpoints: eps, CAFile: l.files[tc.ca], CandidateCAFiles: tc.candidates()}
			resp := runProbe(t, inv["master"], inv, cfg, 0)
			details := strings.Join(resp.Details, "\n")
			if diff := cmp.Diff(tc.want, readProbed(resp.Output)); diff != "" {
				t.Errorf("output (-want +got):\n%s\nsummary: %s\ndetails:\n%s", diff, resp.Summary, details)
			}
			var want []endpointResult
			for i, v := range tc.wantVerdicts {
				want = append(want, endpointResult{Endpoint: eps[i], Verdict: v, OK: v == "ok", Error: v != "ok"})
			}
			if diff := cmp.Diff(want, readEndpoints(resp.Output)); diff != "" {
				t.Errorf("endpoints (-want +got):\n%s", diff)
			}
			if got := resp.Output.GetAttr("endpoint").AsString(); got != eps[tc.wantEndpoint] {
				t.Errorf("endpoint = %s, want %s (endpoints[%d])", got, eps[tc.wantEndpoint], tc.wantEndpoint)
			}
			gotErr := resp.Output.GetAttr("error").AsString()
			if (tc.wantErr == "") != (gotErr == "") || !strings.Contains(gotErr, tc.wantErr) {
				t.Errorf("error = %q, want it to contain %q", gotErr, tc.wantErr)
			}
			if diff := cmp.Diff(tc.wantSummary(eps), resp.Summary); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
			for i, ep := range eps {
				if !strings.HasPrefix(resp.Details[i], ep+": "+tc.wantVerdicts[i]+" in ") {
					t.Errorf("details[%d] = %q, want the line of %s", i, resp.Details[i], ep)
				}
				if !strings.Contains(details, "endpoint "+ep+" (server name 127.0.0.1), dialled from master in ") {
					t.Errorf("details lack the lines of %s:\n%s", ep, details)
				}
			}
		})
	}
}
