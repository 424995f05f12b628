package tlsprobe_test

import (
	"crypto/tls"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/certs"
	"github.com/mend-sh/mend/steps/tlsprobe"
	"github.com/zclconf/go-cty/cty"
)

// TestProbeSummaryNamesTheSameNamedCA is the incident's line: the master
// trusts a CA with etcd's CA's name and another key.
func TestProbeSummaryNamesTheSameNamedCA(t *testing.T) {
	l := newLab(t)
	s := newServers(t)
	inv := localInventory()
	addr := s.tlsServer(t, serverConfig(l.etcdTLS(), tls.VersionTLS13, nil))
	cfg := &tlsprobe.Config{Endpoint: addr, CAFile: l.files["ca2"],
		CandidateCAFiles: refs(cty.StringVal(l.files["ca2"]), onHost("etcd", l.files["ca1"]))}
	resp := runProbe(t, inv["master"], inv, cfg, 0)

	// The served certificate's fingerprint is in the summary (and so in
	// wait_until's attempt lines): a renewed certificate has the same names.
	want := `unknown_authority: ` + addr + ` served "CN=etcd-01" (SHA256 ` + certs.ShortFingerprint(certs.Fingerprint(l.etcd.Cert)) + `) issued by "CN=Puppet CA: lab", not trusted by ` +
		l.files["ca2"] + ` (same-named CA, different key); verified by etcd:` + l.files["ca1"]
	if diff := cmp.Diff(want, resp.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	details := strings.Join(resp.Details, "\n")
	for _, line := range []string{
		"served [0]: CN=etcd-01 issued by CN=Puppet CA: lab, SHA256 " + certs.Fingerprint(l.etcd.Cert),
		"trusted (" + l.files["ca2"] + " on master): CN=Puppet CA: lab, SHA256 " + certs.Fingerprint(l.ca2.Cert.Cert),
		"candidate " + l.files["ca2"] + ": does not verify (same-named CA, different key)",
		"candidate etcd:" + l.files["ca1"] + ": verifies",
		"a same-named CA replaced the one that signed it",
	} {
		if !strings.Contains(details, line) {
			t.Errorf("details lack %q:\n%s", line, details)
		}
	}
	served := resp.Output.GetAttr("served_chain").Index(cty.NumberIntVal(0)).GetAttr("sha256_fingerprint").AsString()
	if served != certs.Fingerprint(l.etcd.Cert) {
		t.Errorf("served_chain[0].sha256_fingerprint = %s, want etcd's", served)
	}
}

func TestProbeMissingCandidateIsNotedNotFatal(t *testing.T) {
	l := newLab(t)
	s := newServers(t)
	inv := localInventory()
	addr := s.tlsServer(t, serverConfig(l.etcdTLS(), tls.VersionTLS13, nil))
	cfg := &tlsprobe.Config{Endpoint: addr, CAFile: l.files["ca1"],
		CandidateCAFiles: refs(cty.StringVal("/nonexistent.pem"), onHost("ghost", "/x.pem"), cty.StringVal(l.files["ca1"]))}
	resp := runProbe(t, inv["master"], inv, cfg, 0)
	if diff := cmp.Diff([]string{l.files["ca1"]}, readProbed(resp.Output).VerifiedBy); diff != "" {
		t.Errorf("verified_by (-want +got):\n%s", diff)
	}
	details := strings.Join(resp.Details, "\n")
	for _, line := range []string{
		"candidate /nonexistent.pem: not tried: /nonexistent.pem on master: no such file",
		`candidate ghost:/x.pem: not tried: /x.pem: host "ghost" is not in the inventory`,
	} {
		if !strings.Contains(details, line) {
			t.Errorf("details lack %q:\n%s", line, details)
		}
	}
}
