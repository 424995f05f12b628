package x509step_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/certs"
	"github.com/mend-sh/mend/internal/certs/certstest"
	"github.com/mend-sh/mend/steps"
	x509step "github.com/mend-sh/mend/steps/x509"
	"github.com/zclconf/go-cty/cty"
)

// inspected is the part of x509_inspect's output a case checks.
type inspected struct {
	Subject, Issuer, Fingerprint string
	Count                        int
	IsCA, Expired                bool
	DNSNames, IPs                []string
	ChainsToCA                   string // "null", "true", "false"
	ChainError                   string // the class of chain_error, or ""
	SameNameHint                 bool
}

func readInspected(out cty.Value) inspected {
	chains := "null"
	if v := out.GetAttr("chains_to_ca"); !v.IsNull() {
		chains = map[bool]string{true: "true", false: "false"}[v.True()]
	}
	chainErr := out.GetAttr("chain_error").AsString()
	class := ""
	switch {
	case chainErr == "":
	case strings.Contains(chainErr, "signed by unknown authority"):
		class = certs.UnknownAuthority
	case strings.Contains(chainErr, "expired"):
		class = certs.Expired
	default:
		class = chainErr
	}
	return inspected{
		Subject:      out.GetAttr("subject").AsString(),
		Issuer:       out.GetAttr("issuer").AsString(),
		Fingerprint:  out.GetAttr("sha256_fingerprint").AsString(),
		Count:        num(out.GetAttr("count")),
		IsCA:         out.GetAttr("is_ca").True(),
		Expired:      out.GetAttr("expired").True(),
		DNSNames:     strs(out.GetAttr("dns_names")),
		IPs:          strs(out.GetAttr("ip_addresses")),
		ChainsToCA:   chains,
		ChainError:   class,
		SameNameHint: strings.Contains(chainErr, "a same-named CA replaced the one that signed it"),
	}
}

func num(v cty.Value) int {
	i, _ := v.AsBigFloat().Int64()
	return int(i)
}

func strs(v cty.Value) []string {
	var ss []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		ss = append(ss, e.AsString())
	}
	return ss
}

func TestInspect(t *testing.T) {
	dir := t.TempDir()
	ca1 := certstest.NewCA(t, "Puppet CA: lab")
	ca2 := certstest.NewCA(t, "Puppet CA: lab") // same name, different key
	etcd := ca1.Issue(t, certstest.Options{CommonName: "etcd-01", DNSNames: []string{"etcd-01"}, IPs: []string{"127.0.0.1"}})
	old := ca1.Issue(t, certstest.Options{CommonName: "old", NotBefore: time.Now().Add(-48 * time.Hour), Validity: time.Hour})
	files := map[string]string{
		"ca1":      certstest.WriteFile(t, dir, "ca1.pem", ca1.PEM()),
		"ca2":      certstest.WriteFile(t, dir, "ca2.pem", ca2.PEM()),
		"both":     certstest.WriteFile(t, dir, "both.pem", ca2.PEM(), ca1.PEM()),
		"etcd+key": certstest.WriteFile(t, dir, "etcd.pem", etcd.PEM(), etcd.KeyPEM(t)),
		"old":      certstest.WriteFile(t, dir, "old.pem", old.PEM()),
	}
	etcdWant := inspected{Subject: "CN=etcd-01", Issuer: "CN=Puppet CA: lab", Fingerprint: certs.Fingerprint(etcd.Cert),
		Count: 1, DNSNames: []string{"etcd-01"}, IPs: []string{"127.0.0.1"}}
	with := func(w inspected, chains, class string, hint bool) inspected {
		w.ChainsToCA, w.ChainError, w.SameNameHint = chains, class, hint
		return w
	}
	cases := []struct {
		name string
		cfg  x509step.InspectConfig
		want inspected
	}{
		{"CA, no chain check", x509step.InspectConfig{Path: files["ca1"]},
			inspected{Subject: "CN=Puppet CA: lab", Issuer: "CN=Puppet CA: lab", Fingerprint: certs.Fingerprint(ca1.Cert.Cert),
				Count: 1, IsCA: true, ChainsToCA: "null"}},
		{"server cert chains to its CA", x509step.InspectConfig{Path: files["etcd+key"], CAPath: files["ca1"]},
			with(etcdWant, "true", "", false)},
		{"same-named CA with another key", x509step.InspectConfig{Path: files["etcd+key"], CAPath: files["ca2"]},
			with(etcdWant, "false", certs.UnknownAuthority, true)},
		{"bundle with both CAs", x509step.InspectConfig{Path: files["etcd+key"], CAPath: files["both"]},
			with(etcdWant, "true", "", false)},
		{"CA bundle reports its first certificate and count", x509step.InspectConfig{Path: files["both"]},
			inspected{Subject: "CN=Puppet CA: lab", Issuer: "CN=Puppet CA: lab", Fingerprint: certs.Fingerprint(ca2.Cert.Cert),
				Count: 2, IsCA: true, ChainsToCA: "null"}},
		{"expired", x509step.InspectConfig{Path: files["old"], CAPath: files["ca1"], CAHost: "master"},
			inspected{Subject: "CN=old", Issuer: "CN=Puppet CA: lab", Fingerprint: certs.Fingerprint(old.Cert),
				Count: 1, Expired: true, ChainsToCA: "false", ChainError: certs.Expired}},
	}
	inv := newInventory("master")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			resp, err := x509step.Inspect{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: &cfg, Host: inv["master"], Hosts: inv})
			if err != nil {
				t.Fatal(err)
			}
			if !resp.Output.Type().Equals(x509step.Inspect{}.Output()) {
				t.Errorf("output type %#v does not conform to Output()", resp.Output.Type())
			}
			if diff := cmp.Diff(tc.want, readInspected(resp.Output)); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInspectNeverShowsKeyMaterial(t *testing.T) {
	ca := certstest.NewCA(t, "Puppet CA: lab")
	srv := ca.Issue(t, certstest.Options{CommonName: "etcd-01"})
	path := certstest.WriteFile(t, t.TempDir(), "combined.pem", srv.KeyPEM(t), srv.PEM())
	resp, err := x509step.Inspect{}.Diagnose(context.Background(), steps.DiagnoseRequest{
		Config: &x509step.InspectConfig{Path: path}, Host: newInventory("m")["m"]})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(srv.PEM()), resp.Output.GetAttr("pem").AsString()); diff != "" {
		t.Errorf("pem (-want +got):\n%s", diff)
	}
	all := resp.Summary + strings.Join(resp.Details, "\n") + resp.Output.GoString()
	if strings.Contains(all, "PRIVATE KEY-----") {
		t.Errorf("key material in the response:\n%s", all)
	}
	if !strings.Contains(strings.Join(resp.Details, "\n"), "skipped a PRIVATE KEY block (never shown)") {
		t.Errorf("details do not mention the skipped key: %q", resp.Details)
	}
	wantSummary := "CN=etcd-01, SHA256 " + certs.ShortFingerprint(certs.Fingerprint(srv.Cert)) + ", expires "
	if !strings.HasPrefix(resp.Summary, wantSummary) {
		t.Errorf("summary = %q, want prefix %q", resp.Summary, wantSummary)
	}
}

func TestInspectErrors(t *testing.T) {
	dir := t.TempDir()
	notCert := certstest.WriteFile(t, dir, "notes.txt", []byte("hello\n"))
	caPath := certstest.WriteFile(t, dir, "ca.pem", certstest.NewCA(t, "Puppet CA: lab").PEM())
	inv := newInventory("master")
	cases := []struct {
		name      string
		cfg       x509step.InspectConfig
		host      steps.Host
		wantClass steps.ErrorClass
		wantErr   string
	}{
		{"missing file", x509step.InspectConfig{Path: dir + "/nope.pem"}, inv["master"], steps.ClassStep,
			"x509_inspect: " + dir + "/nope.pem on master: no such file"},
		{"not a certificate", x509step.InspectConfig{Path: notCert}, inv["master"], steps.ClassStep,
			"x509_inspect: " + notCert + " on master: not PEM, and not DER either: x509: malformed certificate"},
		{"no host and no on", x509step.InspectConfig{Path: notCert}, nil, steps.ClassConfig,
			"x509_inspect: " + notCert + ": no host: give host = \"...\" or put the step `on` a host"},
		{"unknown host", x509step.InspectConfig{Host: "ghost", Path: notCert}, nil, steps.ClassConfig,
			"x509_inspect: " + notCert + ": host \"ghost\" is not in the inventory"},
		{"missing CA file", x509step.InspectConfig{Host: "master", Path: caPath, CAPath: "/nope.pem"}, nil, steps.ClassStep,
			"x509_inspect: ca_path: /nope.pem on master: no such file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			_, err := x509step.Inspect{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: &cfg, Host: tc.host, Hosts: inv})
			if diff := cmp.Diff(tc.wantErr, errText(err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if got := steps.Classify(err); got != tc.wantClass {
				t.Errorf("class = %q, want %q", got, tc.wantClass)
			}
		})
	}
}

func TestInspectValidateConfig(t *testing.T) {
	err := x509step.Inspect{}.ValidateConfig(&x509step.InspectConfig{Path: "/x", CAHost: "m"})
	if diff := cmp.Diff("x509_inspect: ca_host is set but ca_path is not; give the CA file's path", errText(err)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := (x509step.Inspect{}).ValidateConfig(&x509step.InspectConfig{Path: "/x", CAPath: "/y"}); err != nil {
		t.Errorf("valid config rejected: %v", err)
	}
}
