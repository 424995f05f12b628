package etcdrestore

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

func TestDescribe(t *testing.T) {
	common := `snapshot_host = "etcd-01"
snapshot = "/var/backups/etcd.db"
token = "restored-1"
stop_command = "sv stop etcd"
start_command = "sv start etcd"
`
	details := func(stop, start string) []string {
		return []string{
			"stops etcd on every member (" + stop + ") and checks none still answers",
			"moves each member's data dir aside (never deletes it) and restores the snapshot into a new one",
			"starts every member (" + start + ") and waits for a healthy cluster of exactly these members",
		}
	}
	stepstest.DescribeTable(t, Restore{}, []stepstest.DescribeCase{
		{Name: "members known", Src: common + `members = [{ name = "etcd-01", host = "h1" }, { name = "etcd-02", host = "h2" }]`,
			Want: steps.Description{Summary: "restores etcd from snapshot /var/backups/etcd.db on etcd-01 onto the members etcd-01, etcd-02 with new cluster token restored-1",
				Details: details("sv stop etcd", "sv start etcd")}},
		{Name: "members at run time", Src: common + `members = [for h in var.hosts : { name = h }]`,
			Want: steps.Description{Summary: "restores etcd from snapshot /var/backups/etcd.db on etcd-01 onto the members [for h in var.hosts : { name = h }] (known at run time) with new cluster token restored-1",
				Details: details("sv stop etcd", "sv start etcd")}},
	})
}
