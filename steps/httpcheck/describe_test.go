package httpcheck

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

func TestDescribe(t *testing.T) {
	stepstest.DescribeTable(t, Type{}, []stepstest.DescribeCase{
		{Name: "defaults", Src: `url = "https://127.0.0.1:6443/readyz"`,
			Want: steps.Description{Summary: "requests GET https://127.0.0.1:6443/readyz from the host; ok on status 200"}},
		{Name: "local with body and ca", Src: `url = var.u
via_ssh = false
method = "HEAD"
expect_status = [200, 204]
body_contains = "ok"
ca_file = "/etc/ca.pem"`, Want: steps.Description{
			Summary: "requests HEAD var.u (known at run time) from the machine running mend; ok on status 200, 204 with a body containing ok",
			Details: []string{"verifies the server with /etc/ca.pem on the host"}}},
	})
}
