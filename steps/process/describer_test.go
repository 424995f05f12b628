package process

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

func TestDescribe(t *testing.T) {
	stepstest.DescribeTable(t, Type{}, []stepstest.DescribeCase{
		{Name: "name", Src: `name = "etcd"`, Want: steps.Description{Summary: "lists the processes named etcd"}},
		{Name: "pattern", Src: `pattern = "kube-apiserver .*--etcd"`, Want: steps.Description{Summary: "lists the processes whose command line matches kube-apiserver .*--etcd"}},
	})
}
