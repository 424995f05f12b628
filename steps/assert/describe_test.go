package assert

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

func TestDescribe(t *testing.T) {
	stepstest.DescribeTable(t, Type{}, []stepstest.DescribeCase{
		{Name: "at run time", Src: `condition = diagnose.x.y.ok
message = "not ok: escalate"`, Want: steps.Description{Summary: "stops the run unless diagnose.x.y.ok (known at run time)",
			Details: []string{"saying: not ok: escalate"}}},
	})
}
