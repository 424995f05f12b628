package x509step_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/certs"
	"github.com/mend-sh/mend/steps/stepstest"
	x509step "github.com/mend-sh/mend/steps/x509"
	"github.com/zclconf/go-cty/cty"
)

// vars are var.master and var.etcd, as in the incident runbook.
var vars = stepstest.Vars("var", map[string]cty.Value{
	"master": cty.StringVal("master"),
	"etcd":   cty.TupleVal([]cty.Value{cty.StringVal("etcd-01")}),
})

func TestCompareDecodesFromHCL(t *testing.T) {
	stepstest.DecodeTable(t, []stepstest.DecodeCase{{
		Name: "documented", Type: x509step.Compare{}, Vars: vars, Src: `
a = { host = var.master,  path = "/var/lib/puppet/client/ssl/certs/ca.pem" }
b = { host = var.etcd[0], path = "/etc/etcd/ssl/ca.pem" }
`,
		Check: func(t *testing.T, config any) {
			cfg := config.(*x509step.CompareConfig)
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
		}}})
}

func TestInspectDecodesFromHCL(t *testing.T) {
	stepstest.DecodeTable(t, []stepstest.DecodeCase{
		{Name: "all", Type: x509step.Inspect{}, Vars: vars, Src: `
path    = "/etc/etcd/ssl/ca.pem"
host    = var.etcd[0]
ca_path = "/var/lib/puppet/client/ssl/certs/ca.pem"
ca_host = var.master
`, Want: &x509step.InspectConfig{Host: "etcd-01", Path: "/etc/etcd/ssl/ca.pem", CAPath: "/var/lib/puppet/client/ssl/certs/ca.pem", CAHost: "master"}},
		{Name: "path only", Type: x509step.Inspect{}, Src: `path = "/x.pem"`, Want: &x509step.InspectConfig{Path: "/x.pem"}},
		{Name: "kubeconfig user", Type: x509step.Inspect{}, Src: "kubeconfig = \"/etc/kubernetes/admin.conf\"\nuser = \"kubernetes-admin\"",
			Want: &x509step.InspectConfig{Kubeconfig: "/etc/kubernetes/admin.conf", User: "kubernetes-admin"}},
		{Name: "kubeconfig cluster", Type: x509step.Inspect{}, Src: "kubeconfig = \"/k\"\ncluster = \"kubernetes\"",
			Want: &x509step.InspectConfig{Kubeconfig: "/k", Cluster: "kubernetes"}},
		{Name: "inline PEM", Type: x509step.Inspect{}, Src: "pem = \"-----BEGIN CERTIFICATE-----\\n\"",
			Want: &x509step.InspectConfig{PEM: "-----BEGIN CERTIFICATE-----\n"}},
		{Name: "no source", Type: x509step.Inspect{}, Src: `host = "m"`,
			WantDiags: []string{`1:1: give path (a file on the host), pem (inline) or kubeconfig (with cluster or user)`}},
		{Name: "two sources", Type: x509step.Inspect{}, Src: "path = \"/x\"\nkubeconfig = \"/k\"\nuser = \"u\"",
			WantDiags: []string{`2:14: give one of path, pem and kubeconfig, not several`}},
		{Name: "kubeconfig without entry", Type: x509step.Inspect{}, Src: `kubeconfig = "/k"`,
			WantDiags: []string{`1:14: with kubeconfig, give cluster = "NAME" (its certificate-authority) or user = "NAME" (its client-certificate), one of them`}},
		{Name: "kubeconfig with both entries", Type: x509step.Inspect{}, Src: "kubeconfig = \"/k\"\nuser = \"u\"\ncluster = \"c\"",
			WantDiags: []string{`1:14: with kubeconfig, give cluster = "NAME"`}},
		{Name: "user without kubeconfig", Type: x509step.Inspect{}, Src: "path = \"/x\"\nuser = \"u\"",
			WantDiags: []string{`2:8: cluster and user select a kubeconfig entry: set kubeconfig too`}},
		{Name: "pem that is a path", Type: x509step.Inspect{}, Src: `pem = "/etc/x.pem"`,
			WantDiags: []string{`1:7: pem does not start with a PEM header (-----BEGIN ...)`}},
		{Name: "pem with host", Type: x509step.Inspect{}, Src: "host = \"m\"\npem = \"-----BEGIN CERTIFICATE-----\"",
			WantDiags: []string{`1:8: host makes no sense with pem (inline PEM is on no host)`}},
	})
}
