package x509step

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

func TestDescribe(t *testing.T) {
	stepstest.DescribeTable(t, Compare{}, []stepstest.DescribeCase{
		{Name: "compare", Src: `a = { host = "m", path = "/a.pem" }
b = { host = "e", path = "/b.pem" }`, Want: steps.Description{
			Summary: "compares the certificates {host = m, path = /a.pem} and {host = e, path = /b.pem} by fingerprint and public key, not by name"}},
	})
	stepstest.DescribeTable(t, Inspect{}, []stepstest.DescribeCase{
		{Name: "chain", Src: `host = "m"
path = "/cert.pem"
ca_host = "e"
ca_path = "/ca.pem"`, Want: steps.Description{Summary: "reads /cert.pem on m: subject, issuer, fingerprints, expiry",
			Details: []string{"checks that it chains to the CA /ca.pem on e"}}},
		{Name: "pem", Src: `pem = diagnose.file_read.x.content`, Want: steps.Description{Summary: "reads the certificates given as pem: subject, issuer, fingerprints, expiry"}},
	})
}
