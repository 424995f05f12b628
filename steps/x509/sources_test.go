package x509step_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/certs"
	"github.com/mend-sh/mend/internal/certs/certstest"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	x509step "github.com/mend-sh/mend/steps/x509"
	"github.com/zclconf/go-cty/cty"
)

// kubeconfig writes a kubeadm-style kubeconfig: cluster "kubernetes"
// naming its CA as a file relative to the kubeconfig, cluster "embedded"
// with the CA as certificate-authority-data, and user "admin" with an
// embedded client certificate and key (the key must never come out).
func kubeconfig(t *testing.T, dir string, ca *certstest.CA, client certstest.Cert) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "pki"), 0o755); err != nil {
		t.Fatal(err)
	}
	certstest.WriteFile(t, filepath.Join(dir, "pki"), "ca.crt", ca.PEM())
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	doc := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: kubernetes
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority: pki/ca.crt
- name: embedded
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority-data: %s
users:
- name: admin
  user:
    client-certificate-data: %s
    client-key-data: %s
- name: token-only
  user:
    token: abc
contexts:
- name: admin@kubernetes
  context: {cluster: kubernetes, user: admin}
current-context: admin@kubernetes
`, b64(ca.PEM()), b64(client.PEM()), b64(client.KeyPEM(t)))
	return certstest.WriteFile(t, dir, "admin.conf", []byte(doc))
}

// TestInspectSourcesOverSSH reads certificates from a kubeconfig on a
// host reached through a real sshd (embedded client certificate,
// embedded CA, CA as a relative file reference) and from inline PEM, and
// checks each is the certificate put there; the client key never shows.
func TestInspectSourcesOverSSH(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	dir := t.TempDir()
	ca := certstest.NewCA(t, "kubernetes")
	client := ca.Issue(t, certstest.Options{CommonName: "kubernetes-admin", Client: true})
	kc := kubeconfig(t, dir, ca, client)
	keyB64 := base64.StdEncoding.EncodeToString(client.KeyPEM(t))

	cases := []struct {
		name            string
		cfg             x509step.InspectConfig
		wantFingerprint string
		wantPath        string
	}{
		{"embedded client certificate", x509step.InspectConfig{Kubeconfig: kc, User: "admin"}, certs.Fingerprint(client.Cert), kc + "[user admin]"},
		{"embedded CA", x509step.InspectConfig{Kubeconfig: kc, Cluster: "embedded"}, certs.Fingerprint(ca.Cert.Cert), kc + "[cluster embedded]"},
		{"CA file named relative to the kubeconfig", x509step.InspectConfig{Kubeconfig: kc, Cluster: "kubernetes"}, certs.Fingerprint(ca.Cert.Cert),
			filepath.Join(dir, "pki", "ca.crt") + " (certificate-authority of " + kc + "[cluster kubernetes])"},
		{"inline PEM", x509step.InspectConfig{PEM: string(client.PEM()) + string(client.KeyPEM(t))}, certs.Fingerprint(client.Cert), "inline PEM"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			if err := (x509step.Inspect{}).ValidateConfig(&cfg); err != nil {
				t.Fatal(err)
			}
			resp, err := x509step.Inspect{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: &cfg, Host: h})
			if err != nil {
				t.Fatal(err)
			}
			got := []string{resp.Output.GetAttr("sha256_fingerprint").AsString(), resp.Output.GetAttr("path").AsString()}
			if diff := cmp.Diff([]string{tc.wantFingerprint, tc.wantPath}, got); diff != "" {
				t.Errorf("fingerprint, path (-want +got):\n%s", diff)
			}
			all := resp.Summary + strings.Join(resp.Details, "\n") + resp.Output.GoString()
			if strings.Contains(all, keyB64) || strings.Contains(all, "PRIVATE KEY-----\n") {
				t.Errorf("the client key shows in the result:\n%s", all)
			}
		})
	}

	for _, tc := range []struct {
		name    string
		cfg     x509step.InspectConfig
		wantErr string
	}{
		{"missing user", x509step.InspectConfig{Kubeconfig: kc, User: "nobody"}, `no user named "nobody"; it has "admin", "token-only"`},
		{"user without a certificate", x509step.InspectConfig{Kubeconfig: kc, User: "token-only"}, `user "token-only" has neither client-certificate-data nor client-certificate`},
		{"not YAML", x509step.InspectConfig{Kubeconfig: certstest.WriteFile(t, dir, "bad.conf", []byte("a: [\n"+keyB64)), Cluster: "x"}, "not a readable YAML document"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			_, err := x509step.Inspect{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: &cfg, Host: h})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), keyB64[:20]) {
				t.Errorf("Diagnose: %v, want an error containing %q (and no file content)", err, tc.wantErr)
			}
		})
	}
}

// TestCompareKubeconfigWithFile: x509_compare takes a kubeconfig entry
// as a side: the kubeconfig's CA against the CA file on disk (identical)
// and against a re-made CA of the same name (same name, different key).
func TestCompareKubeconfigWithFile(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	dir := t.TempDir()
	ca := certstest.NewCA(t, "kubernetes")
	kc := kubeconfig(t, dir, ca, ca.Issue(t, certstest.Options{CommonName: "admin", Client: true}))
	other := certstest.WriteFile(t, dir, "other-ca.crt", certstest.NewCA(t, "kubernetes").PEM())
	side := cty.ObjectVal(map[string]cty.Value{"kubeconfig": cty.StringVal(kc), "cluster": cty.StringVal("embedded")})
	for _, tc := range []struct {
		b    cty.Value
		want string
	}{
		{cty.StringVal(filepath.Join(dir, "pki", "ca.crt")), x509step.VerdictIdentical},
		{cty.StringVal(other), x509step.VerdictSameNameNewKey},
		{cty.StringVal(string(ca.PEM())), x509step.VerdictIdentical},
	} {
		cfg := &x509step.CompareConfig{A: side, B: tc.b}
		if err := (x509step.Compare{}).ValidateConfig(cfg); err != nil {
			t.Fatal(err)
		}
		resp, err := x509step.Compare{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: cfg, Host: h})
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.Output.GetAttr("verdict").AsString(); got != tc.want {
			t.Errorf("verdict = %q, want %q (%s)", got, tc.want, resp.Summary)
		}
	}
}
