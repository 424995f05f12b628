package x509step_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mend-sh/mend/internal/certs"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/certs/certstest"
	"github.com/mend-sh/mend/steps"
	x509step "github.com/mend-sh/mend/steps/x509"
	"github.com/zclconf/go-cty/cty"
)

// compared is the part of x509_compare's output a case checks.
type compared struct {
	Same, SameKey, SameSubject, ASignedB, BSignedA bool
	Verdict                                        string
	AHost, BHost                                   string
}

func readCompared(out cty.Value) compared {
	return compared{
		Same:        out.GetAttr("same").True(),
		SameKey:     out.GetAttr("same_key").True(),
		SameSubject: out.GetAttr("same_subject").True(),
		ASignedB:    out.GetAttr("a_signed_b").True(),
		BSignedA:    out.GetAttr("b_signed_a").True(),
		Verdict:     out.GetAttr("verdict").AsString(),
		AHost:       out.GetAttr("a").GetAttr("host").AsString(),
		BHost:       out.GetAttr("b").GetAttr("host").AsString(),
	}
}

func ref(host, path string) cty.Value {
	if host == "" {
		return cty.ObjectVal(map[string]cty.Value{"path": cty.StringVal(path)})
	}
	return cty.ObjectVal(map[string]cty.Value{"host": cty.StringVal(host), "path": cty.StringVal(path)})
}

func TestCompare(t *testing.T) {
	dir := t.TempDir()
	ca1 := certstest.NewCA(t, "Puppet CA: lab")
	ca2 := certstest.NewCA(t, "Puppet CA: lab")
	other := certstest.NewCA(t, "etcd CA")
	etcd := ca1.Issue(t, certstest.Options{CommonName: "etcd-01", IPs: []string{"127.0.0.1"}})
	f := map[string]string{
		"ca1":      certstest.WriteFile(t, dir, "ca1.pem", ca1.PEM()),
		"ca1 copy": certstest.WriteFile(t, dir, "ca1-copy.pem", ca1.PEM()),
		"ca2":      certstest.WriteFile(t, dir, "ca2.pem", ca2.PEM()),
		"reissued": certstest.WriteFile(t, dir, "ca1-reissued.pem", ca1.Reissue(t).PEM()),
		"other":    certstest.WriteFile(t, dir, "other.pem", other.PEM()),
		"etcd":     certstest.WriteFile(t, dir, "etcd.pem", etcd.PEM()),
		"bundle":   certstest.WriteFile(t, dir, "bundle.pem", other.PEM(), ca1.PEM()),
	}
	cases := []struct {
		name        string
		a, b        cty.Value
		want        compared
		wantSummary string // prefix
	}{
		{"same name, different key", ref("master", f["ca1"]), ref("etcd", f["ca2"]),
			compared{SameSubject: true, Verdict: "same name, different key", AHost: "master", BHost: "etcd"},
			`different: both "CN=Puppet CA: lab", fingerprints `},
		{"identical copies on two hosts", ref("master", f["ca1"]), ref("etcd", f["ca1 copy"]),
			compared{Same: true, SameKey: true, SameSubject: true, ASignedB: true, BSignedA: true, Verdict: "identical", AHost: "master", BHost: "etcd"},
			`identical: "CN=Puppet CA: lab", SHA256 `},
		{"re-issued with the same key", ref("", f["ca1"]), cty.StringVal(f["reissued"]),
			compared{SameKey: true, SameSubject: true, ASignedB: true, BSignedA: true, Verdict: "same key, reissued", AHost: "target", BHost: "target"},
			`same key, reissued: "CN=Puppet CA: lab" vs "CN=Puppet CA: lab", fingerprints `},
		{"the CA signed the server cert", ref("master", f["ca1"]), ref("etcd", f["etcd"]),
			compared{ASignedB: true, Verdict: "different", AHost: "master", BHost: "etcd"},
			`different: "CN=Puppet CA: lab" vs "CN=etcd-01", fingerprints `},
		{"a same-named CA did not sign it", ref("master", f["ca2"]), ref("etcd", f["etcd"]),
			compared{Verdict: "different", AHost: "master", BHost: "etcd"},
			`different: "CN=Puppet CA: lab" vs "CN=etcd-01", fingerprints `},
		{"server cert the other way round", ref("etcd", f["etcd"]), ref("master", f["ca1"]),
			compared{BSignedA: true, Verdict: "different", AHost: "etcd", BHost: "master"},
			`different: "CN=etcd-01" vs "CN=Puppet CA: lab", fingerprints `},
		{"a trust bundle whose second CA signed b", ref("master", f["bundle"]), ref("etcd", f["etcd"]),
			compared{ASignedB: true, Verdict: "different", AHost: "master", BHost: "etcd"},
			`different: "CN=etcd CA" vs "CN=etcd-01", fingerprints `},
		{"different CAs", ref("master", f["ca1"]), ref("etcd", f["other"]),
			compared{Verdict: "different", AHost: "master", BHost: "etcd"},
			`different: "CN=Puppet CA: lab" vs "CN=etcd CA", fingerprints `},
	}
	inv := newInventory("target", "master", "etcd")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := &x509step.CompareConfig{A: tc.a, B: tc.b}
			if err := (x509step.Compare{}).ValidateConfig(cfg); err != nil {
				t.Fatalf("ValidateConfig: %v", err)
			}
			resp, err := x509step.Compare{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: cfg, Host: inv["target"], Hosts: inv})
			if err != nil {
				t.Fatal(err)
			}
			if !resp.Output.Type().Equals(x509step.Compare{}.Output()) {
				t.Errorf("output type does not conform to Output()")
			}
			if diff := cmp.Diff(tc.want, readCompared(resp.Output)); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
			if !strings.HasPrefix(resp.Summary, tc.wantSummary) {
				t.Errorf("summary = %q, want prefix %q", resp.Summary, tc.wantSummary)
			}
			afp := resp.Output.GetAttr("a").GetAttr("sha256_fingerprint").AsString()
			bfp := resp.Output.GetAttr("b").GetAttr("sha256_fingerprint").AsString()
			details := strings.Join(resp.Details, "\n")
			if !strings.Contains(details, "a sha256 fingerprint: "+afp) || !strings.Contains(details, "b sha256 fingerprint: "+bfp) {
				t.Errorf("details do not list both fingerprints:\n%s", details)
			}
		})
	}
}

func TestCompareSameNameSummaryShowsBothFingerprints(t *testing.T) {
	dir := t.TempDir()
	ca1, ca2 := certstest.NewCA(t, "Puppet CA: x"), certstest.NewCA(t, "Puppet CA: x")
	cfg := &x509step.CompareConfig{
		A: cty.StringVal(certstest.WriteFile(t, dir, "a.pem", ca1.PEM())),
		B: cty.StringVal(certstest.WriteFile(t, dir, "b.pem", ca2.PEM())),
	}
	resp, err := x509step.Compare{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: cfg, Host: newInventory("m")["m"]})
	if err != nil {
		t.Fatal(err)
	}
	want := `different: both "CN=Puppet CA: x", fingerprints ` +
		certs.ShortFingerprint(certs.Fingerprint(ca1.Cert.Cert)) + " vs " +
		certs.ShortFingerprint(certs.Fingerprint(ca2.Cert.Cert)) + " (same name, different key)"
	if diff := cmp.Diff(want, resp.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}

func TestCompareConfigErrors(t *testing.T) {
	cases := []struct {
		name    string
		a, b    cty.Value
		wantErr string
	}{
		{"b missing path", cty.StringVal("/a"), cty.ObjectVal(map[string]cty.Value{"host": cty.StringVal("m")}),
			"x509_compare: b: path is empty"},
		{"a wrong type", cty.ListValEmpty(cty.String), cty.StringVal("/b"),
			"x509_compare: a: want a path string or { host = ..., path = ... }, got list of string"},
		{"unknown values wait for Diagnose", cty.UnknownVal(cty.String), cty.DynamicVal, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := x509step.Compare{}.ValidateConfig(&x509step.CompareConfig{A: tc.a, B: tc.b})
			if diff := cmp.Diff(tc.wantErr, errText(err)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	_, err := x509step.Compare{}.Diagnose(context.Background(), steps.DiagnoseRequest{
		Config: &x509step.CompareConfig{A: cty.StringVal("/a"), B: cty.StringVal("/b")}})
	if diff := cmp.Diff(`x509_compare: a: /a: no host: give host = "..." or put the step `+"`on`"+` a host`, errText(err)); diff != "" {
		t.Errorf("no host (-want +got):\n%s", diff)
	}
	if got := steps.Classify(err); got != steps.ClassConfig {
		t.Errorf("class = %q, want config", got)
	}
}
