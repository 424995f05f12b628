package clock_test

import (
	"testing"

	"github.com/mend-sh/mend/steps/clock"
	"github.com/mend-sh/mend/steps/stepstest"
)

func TestDecode(t *testing.T) {
	typ := clock.Type{}
	stepstest.DecodeTable(t, []stepstest.DecodeCase{
		{Name: "documented", Type: typ, Src: "samples = 5\nmax_offset = \"500ms\"", Want: &clock.Config{Samples: 5, MaxOffset: "500ms"}},
		{Name: "defaults", Type: typ, Src: "", Want: &clock.Config{}},
		{Name: "too many samples", Type: typ, Src: "samples = 50", WantDiags: []string{`1:11: samples must be from 1 to 10`}},
		{Name: "bad max_offset", Type: typ, Src: `max_offset = "soon"`, WantDiags: []string{`1:14: max_offset must be a positive duration`}},
	})
}
