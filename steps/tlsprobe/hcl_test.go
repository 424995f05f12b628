package tlsprobe_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/certs"
	"github.com/mend-sh/mend/steps/stepstest"
	"github.com/mend-sh/mend/steps/tlsprobe"
	"github.com/zclconf/go-cty/cty"
)

// TestConfigDecodesFromHCL decodes the documented block body and the
// forms of `endpoints` as the engine does, with ValidateConfig's verdict
// on each malformed endpoint, file pair and candidate.
func TestConfigDecodesFromHCL(t *testing.T) {
	vars := stepstest.Vars("var", map[string]cty.Value{
		"etcd":           cty.StringVal("etcd-01"),
		"etcd_endpoints": cty.TupleVal([]cty.Value{cty.StringVal("etcd-01:2379"), cty.StringVal("etcd-02:2379")}),
	})
	ca := "\nca_file = \"/etc/ssl/ca.pem\"\n"
	refused := func(msg string) []string { return []string{"1:1: Invalid step argument; tls_probe: " + msg} }
	stepstest.DecodeTable(t, []stepstest.DecodeCase{
		{Name: "documented", Type: tlsprobe.Probe{}, Vars: vars, Src: `
endpoint           = "etcd-01:2379"
ca_file            = "/var/lib/puppet/client/ssl/certs/ca.pem"
cert_file          = "/var/lib/kubernetes/ssl/certs/cert.pem"
key_file           = "/var/lib/kubernetes/ssl/private_keys/key.pem"
candidate_ca_files = ["/etc/kubernetes/etcd-ca.pem",
                      { host = var.etcd, path = "/etc/etcd/ssl/ca.pem" }]
`,
			Check: func(t *testing.T, config any) {
				cfg := config.(*tlsprobe.Config)
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
			}},
		{Name: "endpoints literal list", Type: tlsprobe.Probe{}, Src: `endpoints = ["etcd-01:2379", "etcd-02:2379", "10.0.0.3:2379"]` + ca,
			Want: &tlsprobe.Config{Endpoints: []string{"etcd-01:2379", "etcd-02:2379", "10.0.0.3:2379"}, CAFile: "/etc/ssl/ca.pem"}},
		{Name: "endpoints variable", Type: tlsprobe.Probe{}, Vars: vars, Src: `endpoints = var.etcd_endpoints` + ca,
			Want: &tlsprobe.Config{Endpoints: []string{"etcd-01:2379", "etcd-02:2379"}, CAFile: "/etc/ssl/ca.pem"}},
		{Name: "endpoint and endpoints", Type: tlsprobe.Probe{}, Vars: vars, Src: "endpoint = \"etcd-01:2379\"\nendpoints = var.etcd_endpoints" + ca,
			Want:      &tlsprobe.Config{Endpoint: "etcd-01:2379", Endpoints: []string{"etcd-01:2379", "etcd-02:2379"}, CAFile: "/etc/ssl/ca.pem"},
			WantDiags: []string{"1:1: Invalid step argument; tls_probe: endpoint and endpoints are both given: give exactly one of them"}},
		{Name: "neither", Type: tlsprobe.Probe{}, Src: ca,
			WantDiags: []string{"1:1: Invalid step argument; tls_probe: neither endpoint nor endpoints is given: give exactly one of them"}},
		{Name: "IPv6", Type: tlsprobe.Probe{}, Src: `endpoint = "[::1]:2379"` + ca,
			Want: &tlsprobe.Config{Endpoint: "[::1]:2379", CAFile: "/etc/ssl/ca.pem"}},
		{Name: "endpoints with IPv6", Type: tlsprobe.Probe{}, Src: `endpoints = ["etcd-01:2379", "[::1]:2379"]` + ca,
			Want: &tlsprobe.Config{Endpoints: []string{"etcd-01:2379", "[::1]:2379"}, CAFile: "/etc/ssl/ca.pem"}},
		{Name: "ca_file is required", Type: tlsprobe.Probe{}, Src: `endpoint = "e:1"`,
			WantDiags: []string{`1:1: Missing required argument; The argument "ca_file" is required`}},
		{Name: "no port", Type: tlsprobe.Probe{}, Src: `endpoint = "etcd-01"` + ca, WantDiags: refused(`endpoint "etcd-01": want "host:port"`)},
		{Name: "empty host", Type: tlsprobe.Probe{}, Src: `endpoint = ":2379"` + ca, WantDiags: refused(`endpoint ":2379": want "host:port"`)},
		{Name: "endpoints empty", Type: tlsprobe.Probe{}, Src: `endpoints = []` + ca,
			WantDiags: refused(`endpoints is empty: give at least one "host:port"`)},
		{Name: "endpoints with no port", Type: tlsprobe.Probe{}, Src: `endpoints = ["e:1", "etcd-02"]` + ca,
			WantDiags: refused(`endpoints[1] "etcd-02": want "host:port"`)},
		{Name: "cert without key", Type: tlsprobe.Probe{}, Src: "endpoint = \"e:1\"\ncert_file = \"/c.pem\"" + ca,
			WantDiags: refused("cert_file and key_file go together: give both, or neither")},
		{Name: "bad candidate", Type: tlsprobe.Probe{}, Src: "endpoint = \"e:1\"\ncandidate_ca_files = [true]" + ca,
			WantDiags: refused("candidate_ca_files[0]: want a path string or { host = ..., path = ... }, got bool")},
		{Name: "candidates not known yet", Type: tlsprobe.Probe{}, Src: "endpoint = \"e:1\"\ncandidate_ca_files = var.candidates" + ca,
			Vars: stepstest.Vars("var", map[string]cty.Value{"candidates": cty.UnknownVal(cty.List(cty.String))}),
			Want: &tlsprobe.Config{Endpoint: "e:1", CAFile: "/etc/ssl/ca.pem", CandidateCAFiles: cty.UnknownVal(cty.List(cty.String))}},
	}, stepstest.ConfigRefusals)
}
