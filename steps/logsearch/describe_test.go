package logsearch

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

func TestDescribe(t *testing.T) {
	stepstest.DescribeTable(t, Type{}, []stepstest.DescribeCase{
		{Name: "file", Src: `path = "/var/log/app.log"
rotated = "/var/log/app.log.*"
pattern = "ERROR|FATAL"
since = "1h"`, Want: steps.Description{Summary: "searches /var/log/app.log and its rotated files /var/log/app.log.* for ERROR|FATAL since 1h"}},
		{Name: "unit", Src: `unit = "etcd"
pattern = "apply request took too long"`, Want: steps.Description{Summary: "searches the journal of unit etcd for apply request took too long"}},
	})
}
