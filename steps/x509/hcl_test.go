package x509step_test

import (
	"testing"

	"github.com/mend-sh/mend/internal/certs"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	x509step "github.com/mend-sh/mend/steps/x509"
	"github.com/zclconf/go-cty/cty"
)

// decodeHCL decodes src into the step type's config as the engine does
// (gohcl.DecodeBody), with var.master and var.etcd defined.
func decodeHCL(t *testing.T, src string, cfg any) hcl.Diagnostics {
	t.Helper()
	f, diags := hclsyntax.ParseConfig([]byte(src), "step.mend.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{
		"master": cty.StringVal("master"),
		"etcd":   cty.TupleVal([]cty.Value{cty.StringVal("etcd-01")}),
	})}}
	return gohcl.DecodeBody(f.Body, ctx, cfg)
}

func TestCompareDecodesFromHCL(t *testing.T) {
	src := `
a = { host = var.master,  path = "/var/lib/puppet/client/ssl/certs/ca.pem" }
b = { host = var.etcd[0], path = "/etc/etcd/ssl/ca.pem" }
`
	cfg := x509step.Compare{}.NewConfig().(*x509step.CompareConfig)
	if diags := decodeHCL(t, src, cfg); diags.HasErrors() {
		t.Fatal(diags)
	}
	var got []certs.FileRef
	for _, v := range []cty.Value{cfg.A, cfg.B} {
		ref, err := certs.ParseFileRef(v, "x")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ref)
	}
	want := []certs.FileRef{
		{Host: "master", Path: "/var/lib/puppet/client/ssl/certs/ca.pem"},
		{Host: "etcd-01", Path: "/etc/etcd/ssl/ca.pem"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := (x509step.Compare{}).ValidateConfig(cfg); err != nil {
		t.Errorf("ValidateConfig: %v", err)
	}
}

func TestInspectDecodesFromHCL(t *testing.T) {
	cases := []struct {
		name     string
		src      string
		want     x509step.InspectConfig
		wantDiag string
	}{
		{"all", `
path    = "/etc/etcd/ssl/ca.pem"
host    = var.etcd[0]
ca_path = "/var/lib/puppet/client/ssl/certs/ca.pem"
ca_host = var.master
`, x509step.InspectConfig{Host: "etcd-01", Path: "/etc/etcd/ssl/ca.pem", CAPath: "/var/lib/puppet/client/ssl/certs/ca.pem", CAHost: "master"}, ""},
		{"path only", `path = "/x.pem"`, x509step.InspectConfig{Path: "/x.pem"}, ""},
		{"kubeconfig", `
kubeconfig = "/etc/kubernetes/admin.conf"
user       = "kubernetes-admin"
`, x509step.InspectConfig{Kubeconfig: "/etc/kubernetes/admin.conf", User: "kubernetes-admin"}, ""},
		{"unknown argument", `pth = "/x.pem"`, x509step.InspectConfig{}, `Unsupported argument`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := x509step.Inspect{}.NewConfig().(*x509step.InspectConfig)
			diags := decodeHCL(t, tc.src, cfg)
			gotDiag := ""
			if diags.HasErrors() {
				gotDiag = diags[0].Summary
			}
			if diff := cmp.Diff(tc.wantDiag, gotDiag); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, *cfg); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

// TestInspectValidate: one source is required, a kubeconfig needs one
// entry, and inline PEM must be PEM.
func TestInspectValidate(t *testing.T) {
	cases := []struct {
		name    string
		cfg     x509step.InspectConfig
		wantErr string
	}{
		{"path", x509step.InspectConfig{Path: "/x.pem"}, ""},
		{"pem", x509step.InspectConfig{PEM: "-----BEGIN CERTIFICATE-----\n"}, ""},
		{"kubeconfig cluster", x509step.InspectConfig{Kubeconfig: "/k", Cluster: "kubernetes"}, ""},
		{"nothing", x509step.InspectConfig{Host: "m"}, "x509_inspect: give path (a file on the host), pem (inline) or kubeconfig (with cluster or user)"},
		{"two sources", x509step.InspectConfig{Path: "/x", Kubeconfig: "/k", User: "u"}, "x509_inspect: give one of path, pem and kubeconfig, not several"},
		{"kubeconfig without entry", x509step.InspectConfig{Kubeconfig: "/k"}, `x509_inspect: with kubeconfig, give cluster = "NAME" (its certificate-authority) or user = "NAME" (its client-certificate), one of them`},
		{"kubeconfig with both", x509step.InspectConfig{Kubeconfig: "/k", User: "u", Cluster: "c"}, `x509_inspect: with kubeconfig, give cluster = "NAME" (its certificate-authority) or user = "NAME" (its client-certificate), one of them`},
		{"user without kubeconfig", x509step.InspectConfig{Path: "/x", User: "u"}, "x509_inspect: cluster and user select a kubeconfig entry: set kubeconfig too"},
		{"pem not PEM", x509step.InspectConfig{PEM: "/etc/x.pem"}, "x509_inspect: pem does not start with a PEM header (-----BEGIN ...)"},
		{"pem with host", x509step.InspectConfig{Host: "m", PEM: "-----BEGIN CERTIFICATE-----"}, "x509_inspect: host makes no sense with pem (inline PEM is on no host)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			got := ""
			if err := (x509step.Inspect{}).ValidateConfig(&cfg); err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tc.wantErr, got); diff != "" {
				t.Errorf("ValidateConfig (-want +got):\n%s", diff)
			}
		})
	}
}
