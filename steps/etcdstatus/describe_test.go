package etcdstatus

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

func TestDescribe(t *testing.T) {
	stepstest.DescribeTable(t, Status{}, []stepstest.DescribeCase{
		{Name: "defaults", Src: `endpoints = ["https://e1:2379"]
ca_file = "/ca"
cert_file = "/c"
key_file = "/k"`, Want: steps.Description{Summary: "asks https://e1:2379 over TLS from the host for health, leader and quorum, 3 time(s) 1s apart; slower than 1s is slow, not dead"}},
		{Name: "one sample", Src: `endpoints = var.e
samples = 1`, Want: steps.Description{Summary: "asks var.e (known at run time) over TLS from the host for health, leader and quorum, 1 time(s) 1s apart; slower than 1s is slow, not dead"}},
	})
}
