package wait

import (
	"context"
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
	"github.com/zclconf/go-cty/cty"
)

// probe is a diagnose type that describes itself.
type probe struct{}

func (probe) Name() string     { return "probe" }
func (probe) NewConfig() any   { return &struct{}{} }
func (probe) Output() cty.Type { return cty.EmptyObject }
func (probe) Diagnose(context.Context, steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	return steps.DiagnoseResponse{}, nil
}
func (probe) Describe(a steps.Args) steps.Description {
	return steps.Description{Summary: "probes " + a.Text("url", "?") + "."}
}

func TestDescribe(t *testing.T) {
	lookup := func(name string) steps.Diagnoser {
		if name == "probe" {
			return probe{}
		}
		return nil
	}
	stepstest.DescribeTable(t, New(lookup), []stepstest.DescribeCase{
		{Name: "nested describer", Src: `interval = "1s"
stable_for = "4s"
check "probe" {
  url = "https://x/readyz"
}
until = self.ok`, Want: steps.Description{Summary: "repeats, every 1s, until self.ok (known at run time) for 4s: probes https://x/readyz"}},
		{Name: "unknown nested type", Src: `check "nope" {
  a = 1
}`, Want: steps.Description{Summary: "repeats, every 2s, until the check is ok: nope"}},
	})
}
