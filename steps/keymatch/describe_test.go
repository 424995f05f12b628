package keymatch

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
	"github.com/zclconf/go-cty/cty"
)

func TestDescribe(t *testing.T) {
	pw := cty.ObjectVal(map[string]cty.Value{"pw": cty.StringVal("hunter2-hunter2").Mark("sensitive")})
	stepstest.DescribeTable(t, Type{}, []stepstest.DescribeCase{
		{Name: "cert", Vars: map[string]cty.Value{"var": pw}, Src: `key = "/etc/ssl/private/k.pem"
cert = { host = "h", path = "/etc/ssl/c.pem" }
passphrase = var.pw`, Want: steps.Description{Summary: "checks that the private key /etc/ssl/private/k.pem matches the certificate {host = h, path = /etc/ssl/c.pem} (reads the key on the host, shows only public facts)"}},
		{Name: "csr", Src: `key = "/k.pem"
csr = "/r.csr"`, Want: steps.Description{Summary: "checks that the private key /k.pem matches the certificate request /r.csr (reads the key on the host, shows only public facts)"}},
	})
}
