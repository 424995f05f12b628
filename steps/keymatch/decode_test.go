package keymatch_test

import (
	"testing"

	"github.com/mend-sh/mend/steps/keymatch"
	"github.com/mend-sh/mend/steps/stepstest"
	"github.com/zclconf/go-cty/cty"
)

func TestDecode(t *testing.T) {
	typ := keymatch.Type{}
	stepstest.DecodeTable(t, []stepstest.DecodeCase{
		{Name: "documented", Type: typ, Src: "key  = \"/etc/kubernetes/pki/apiserver.key\"\ncert = \"/etc/kubernetes/pki/apiserver.crt\"",
			Want: &keymatch.Config{Key: "/etc/kubernetes/pki/apiserver.key", Cert: cty.StringVal("/etc/kubernetes/pki/apiserver.crt")}},
		{Name: "kubeconfig entry", Type: typ, Src: "key = \"/k.key\"\ncert = { kubeconfig = \"/etc/kubernetes/admin.conf\", user = \"admin\" }",
			Want: &keymatch.Config{Key: "/k.key", Cert: cty.ObjectVal(map[string]cty.Value{"kubeconfig": cty.StringVal("/etc/kubernetes/admin.conf"), "user": cty.StringVal("admin")})}},
		{Name: "csr and passphrase", Type: typ, Src: "key = \"/k.key\"\ncsr = \"/k.csr\"\npassphrase = \"x\"\nallow_world_readable = true",
			Want: &keymatch.Config{Key: "/k.key", CSR: cty.StringVal("/k.csr"), Passphrase: "x", AllowWorldReadable: true}},
		{Name: "key missing", Type: typ, Src: `cert = "/k.crt"`, WantDiags: []string{`1:1: Missing required argument`}},
		{Name: "relative key", Type: typ, Src: "key = \"k.key\"\ncert = \"/k.crt\"", WantDiags: []string{`1:7: key must be an absolute, clean path`}},
		{Name: "cert and csr", Type: typ, Src: "key = \"/k.key\"\ncert = \"/k.crt\"\ncsr = \"/k.csr\"", WantDiags: []string{`3:7: give cert or csr, not both`}},
		{Name: "neither cert nor csr", Type: typ, Src: `key = "/k.key"`, WantDiags: []string{`1:1: give cert (the certificate`}},
		{Name: "cert object typo", Type: typ, Src: "key = \"/k.key\"\ncert = { pth = \"/k.crt\" }", WantDiags: []string{`2:8: unsupported attribute "pth"`}},
		{Name: "passphrase with a newline", Type: typ, Src: "key = \"/k.key\"\ncert = \"/k.crt\"\npassphrase = \"a\\nb\"", WantDiags: []string{`3:14: passphrase holds a newline`}},
	})
}
