package etcdmaintain

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

func TestDescribe(t *testing.T) {
	stepstest.DescribeTable(t, Maintain{}, []stepstest.DescribeCase{
		{Name: "defaults", Src: `endpoints = ["https://e1:2379"]`, Want: steps.Description{
			Summary: "compacts the key history to the current revision (history is dropped for good), then defragments the members one at a time, followers before the leader, then disarms the NOSPACE alarms, on the etcd cluster at https://e1:2379"}},
		{Name: "disarm only", Src: `endpoints = ["https://e1:2379"]
compact = false
defrag = false`, Want: steps.Description{Summary: "disarms the NOSPACE alarms, on the etcd cluster at https://e1:2379"}},
	})
}
