package etcdstatus_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/mend-sh/mend/steps/etcdstatus"
)

// TestConfig decodes block bodies as the engine does and checks
// ValidateConfig's verdict on each.
func TestConfig(t *testing.T) {
	files := "ca_file = \"/etc/etcd/ca.pem\"\ncert_file = \"/etc/etcd/c.pem\"\nkey_file = \"/etc/etcd/c.key\"\n"
	cases := []struct {
		name, src, wantErr string
	}{
		{"documented", `endpoints = ["https://etcd-01:2379", "etcd-02:2379"]
dial_timeout = "10s"
call_timeout = "15s"
slow_threshold = "500ms"
samples = 5
interval = "2s"` + "\n" + files, ""},
		{"plain http", "endpoints = [\"http://etcd-01:2379\"]\n" + files,
			`etcd_status: endpoints[0]: endpoint "http://etcd-01:2379": scheme "http": mend talks to etcd over TLS only: use https://`},
		{"no port", "endpoints = [\"etcd-01\"]\n" + files,
			`etcd_status: endpoints[0]: endpoint "etcd-01": want "https://host:port" or "host:port"`},
		{"empty", "endpoints = []\n" + files, `etcd_status: endpoints is empty: give at least one "https://host:port"`},
		{"twice", "endpoints = [\"a:1\", \"https://a:1\"]\n" + files, `etcd_status: endpoints[1]: "https://a:1" is given twice`},
		{"no key", "endpoints = [\"a:1\"]\nca_file = \"x\"\ncert_file = \"y\"\nkey_file = \"\"\n",
			"etcd_status: ca_file, cert_file and key_file must all be given: mend talks to etcd over mutual TLS"},
		{"bad timeout", "endpoints = [\"a:1\"]\ncall_timeout = \"soon\"\n" + files,
			`etcd_status: call_timeout "soon": want a duration such as "10s" or "1m"`},
		{"zero samples", "endpoints = [\"a:1\"]\nsamples = 0\n" + files, "etcd_status: samples = 0: want 1 to 20"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, diags := hclsyntax.ParseConfig([]byte(tc.src), "step.mend.hcl", hcl.InitialPos)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			cfg := etcdstatus.Status{}.NewConfig().(*etcdstatus.Config)
			if diags := gohcl.DecodeBody(f.Body, nil, cfg); diags.HasErrors() {
				t.Fatal(diags)
			}
			got := ""
			if err := (etcdstatus.Status{}).ValidateConfig(cfg); err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tc.wantErr, got); diff != "" {
				t.Errorf("ValidateConfig (-want +got):\n%s", diff)
			}
		})
	}
}
