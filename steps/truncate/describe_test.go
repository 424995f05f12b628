package truncate

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

func TestDescribe(t *testing.T) {
	stepstest.DescribeTable(t, Type{}, []stepstest.DescribeCase{
		{Name: "tail", Src: `path = "/var/log/app/app.log"
allowed_prefixes = ["/var/log/app"]
keep_tail_bytes = 1048576`, Want: steps.Description{Summary: "empties /var/log/app/app.log in place (only under /var/log/app)",
			Details: []string{"keeps its last 1048576 bytes in /var/log/app/app.log.mend-tail"}}},
		{Name: "no tail", Src: `path = diagnose.disk.d.biggest
allowed_prefixes = ["/var/log"]`, Want: steps.Description{Summary: "empties diagnose.disk.d.biggest (known at run time) in place (only under /var/log)"}},
	})
}
