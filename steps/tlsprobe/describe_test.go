package tlsprobe

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

func TestDescribe(t *testing.T) {
	stepstest.DescribeTable(t, Probe{}, []stepstest.DescribeCase{
		{Name: "client cert and candidates", Src: `endpoints = ["e1:2379", "e2:2379"]
ca_file = "/ca.pem"
cert_file = "/c.pem"
key_file = "/k.pem"
candidate_ca_files = [{ host = "etcd-01", path = "/etc/etcd/ca.pem" }, "/other.pem"]`, Want: steps.Description{
			Summary: "handshakes TLS with e1:2379, e2:2379 from the host, verifying with /ca.pem and presenting /c.pem",
			Details: []string{"on failure, tries which of these CAs would verify: {host = etcd-01, path = /etc/etcd/ca.pem}, /other.pem"}}},
		{Name: "one endpoint", Src: `endpoint = "e1:443"
ca_file = "/ca.pem"`, Want: steps.Description{Summary: "handshakes TLS with e1:443 from the host, verifying with /ca.pem"}},
	})
}
