package etcdsnapshot

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

func TestDescribe(t *testing.T) {
	stepstest.DescribeTable(t, Snapshot{}, []stepstest.DescribeCase{
		{Name: "member and local copy", Src: `endpoints = ["https://e1:2379"]
member = "etcd-02"
path = "/var/backups/etcd.db"
local_path = "/home/op/etcd.db"`, Want: steps.Description{Summary: "saves a snapshot of etcd from member etcd-02 of https://e1:2379 to a new file /var/backups/etcd.db on the host",
			Details: []string{"and a copy to /home/op/etcd.db on the machine running mend"}}},
		{Name: "any member", Src: `endpoints = var.eps
path = "/b.db"`, Want: steps.Description{Summary: "saves a snapshot of etcd from the first healthy follower (else the leader) of var.eps (known at run time) to a new file /b.db on the host"}},
	})
}
