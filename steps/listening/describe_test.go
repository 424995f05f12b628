package listening

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

func TestDescribe(t *testing.T) {
	stepstest.DescribeTable(t, Type{}, []stepstest.DescribeCase{
		{Name: "port", Src: `port = 2379`, Want: steps.Description{Summary: "lists the sockets listening on port 2379 and their processes"}},
		{Name: "all", Src: ``, Want: steps.Description{Summary: "lists every listening socket and its process"}},
	})
}
