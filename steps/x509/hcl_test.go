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
		{Name: "path missing", Type: x509step.Inspect{}, Src: `host = "m"`, Want: &x509step.InspectConfig{Host: "m"},
			WantDiags: []string{`1:1: Missing required argument; The argument "path" is required`}},
	})
}
