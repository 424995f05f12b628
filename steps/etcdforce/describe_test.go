package etcdforce

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

func TestDescribe(t *testing.T) {
	stepstest.DescribeTable(t, Force{}, []stepstest.DescribeCase{
		{Name: "force", Src: `endpoint = "https://e1:2379"
stop_command = "sv stop etcd"
force_start_command = "sv start etcd-force"
start_command = "sv start etcd"`, Want: steps.Description{
			Summary: "makes the etcd member at https://e1:2379 a cluster of one: restarts it once with --force-new-cluster, then normally",
			Details: []string{"stops it (sv stop etcd), starts it with sv start etcd-force, stops it again, starts it with sv start etcd",
				"refused while the cluster has quorum or another member answers; checks the same revision and key count after"}}},
	})
}
