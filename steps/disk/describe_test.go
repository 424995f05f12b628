package disk

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

func TestDescribe(t *testing.T) {
	stepstest.DescribeTable(t, Type{}, []stepstest.DescribeCase{
		{Name: "all mounts", Src: ``, Want: steps.Description{Summary: "measures free space and inodes of every mount"}},
		{Name: "scan", Src: `path = "/var"
largest = "/var/log"
top = 5
deleted_open = true`, Want: steps.Description{Summary: "measures free space and inodes of the mount holding /var",
			Details: []string{"lists the 5 largest entries under /var/log, 3 levels deep", "lists deleted files still held open by a process"}}},
	})
}
