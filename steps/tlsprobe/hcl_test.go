package tlsprobe_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/mend-sh/mend/internal/certs"
	"github.com/mend-sh/mend/steps/tlsprobe"
	"github.com/zclconf/go-cty/cty"
)

// TestConfigDecodesFromHCL decodes the documented block body as the
// engine does (gohcl.DecodeBody).
func TestConfigDecodesFromHCL(t *testing.T) {
	src := `
endpoint           = "etcd-01:2379"
ca_file            = "/var/lib/puppet/client/ssl/certs/ca.pem"
cert_file          = "/var/lib/kubernetes/ssl/certs/cert.pem"
key_file           = "/var/lib/kubernetes/ssl/private_keys/key.pem"
candidate_ca_files = ["/etc/kubernetes/etcd-ca.pem",
                      { host = var.etcd, path = "/etc/etcd/ssl/ca.pem" }]
`
	f, diags := hclsyntax.ParseConfig([]byte(src), "step.mend.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{
		"var": cty.ObjectVal(map[string]cty.Value{"etcd": cty.StringVal("etcd-01")})}}
	cfg := tlsprobe.Probe{}.NewConfig().(*tlsprobe.Config)
	if diags := gohcl.DecodeBody(f.Body, ctx, cfg); diags.HasErrors() {
		t.Fatal(diags)
	}
	if err := (tlsprobe.Probe{}).ValidateConfig(cfg); err != nil {
		t.Fatalf("ValidateConfig: %v", err)
	}
	refs, err := certs.ParseFileRefs(cfg.CandidateCAFiles, "candidate_ca_files")
	if err != nil {
		t.Fatal(err)
	}
	want := []certs.FileRef{{Path: "/etc/kubernetes/etcd-ca.pem"}, {Host: "etcd-01", Path: "/etc/etcd/ssl/ca.pem"}}
	if diff := cmp.Diff(want, refs); diff != "" {
		t.Errorf("candidates (-want +got):\n%s", diff)
	}
	if cfg.Endpoint != "etcd-01:2379" || cfg.KeyFile != "/var/lib/kubernetes/ssl/private_keys/key.pem" {
		t.Errorf("decoded %+v", cfg)
	}
}

// TestEndpointsDecodeFromHCL decodes `endpoints` (a literal list and a
// variable's tuple) and checks ValidateConfig's verdict on the result.
func TestEndpointsDecodeFromHCL(t *testing.T) {
	cases := []struct {
		name    string
		src     string
		want    []string
		wantErr string
	}{
		{"literal list", `endpoints = ["etcd-01:2379", "etcd-02:2379", "10.0.0.3:2379"]`,
			[]string{"etcd-01:2379", "etcd-02:2379", "10.0.0.3:2379"}, ""},
		{"variable", `endpoints = var.etcd_endpoints`, []string{"etcd-01:2379", "etcd-02:2379"}, ""},
		{"with endpoint too", "endpoint = \"etcd-01:2379\"\nendpoints = var.etcd_endpoints", []string{"etcd-01:2379", "etcd-02:2379"},
			"tls_probe: endpoint and endpoints are both given: give exactly one of them"},
		{"neither", ``, nil, "tls_probe: neither endpoint nor endpoints is given: give exactly one of them"},
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{
		"etcd_endpoints": cty.TupleVal([]cty.Value{cty.StringVal("etcd-01:2379"), cty.StringVal("etcd-02:2379")})})}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := tc.src + "\nca_file = \"/etc/ssl/ca.pem\"\n"
			f, diags := hclsyntax.ParseConfig([]byte(src), "step.mend.hcl", hcl.InitialPos)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			cfg := tlsprobe.Probe{}.NewConfig().(*tlsprobe.Config)
			if diags := gohcl.DecodeBody(f.Body, ctx, cfg); diags.HasErrors() {
				t.Fatal(diags)
			}
			if diff := cmp.Diff(tc.want, cfg.Endpoints); diff != "" {
				t.Errorf("endpoints (-want +got):\n%s", diff)
			}
			err := tlsprobe.Probe{}.ValidateConfig(cfg)
			if diff := cmp.Diff(tc.wantErr, errText(err)); diff != "" {
				t.Errorf("ValidateConfig (-want +got):\n%s", diff)
			}
		})
	}
}
