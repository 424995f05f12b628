package etcdmember

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

func TestDescribe(t *testing.T) {
	conn := "endpoints = [\"https://e1:2379\", \"https://e2:2379\"]\nca_file = \"/ca\"\ncert_file = \"/c\"\nkey_file = \"/k\"\n"
	stepstest.DescribeTable(t, Member{}, []stepstest.DescribeCase{
		{Name: "add learner", Src: conn + `action = "add_learner"
name = "etcd-04"
peer_urls = ["https://e4:2380"]`, Want: steps.Description{Summary: "adds etcd-04 (peer URLs https://e4:2380) as a learner in the etcd cluster at https://e1:2379, https://e2:2379",
			Details: []string{"refused, before anything changes, if it could lose quorum"}}},
		{Name: "remove unsafe", Src: conn + `action = "remove"
member = var.old
allow_unsafe = true`, Want: steps.Description{Summary: "removes member var.old (known at run time) in the etcd cluster at https://e1:2379, https://e2:2379",
			Details: []string{"allow_unsafe: the quorum arithmetic is overridden (a change needs quorum still)"}}},
	})
}
