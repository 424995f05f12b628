package clock

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

func TestDescribe(t *testing.T) {
	stepstest.DescribeTable(t, Type{}, []stepstest.DescribeCase{
		{Name: "max", Src: `max_offset = "500ms"`, Want: steps.Description{Summary: "measures the host's clock offset against this machine's (3 round trips) and reads its NTP state; ok only within 500ms"}},
	})
}
