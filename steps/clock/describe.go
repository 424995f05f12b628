package clock

import "github.com/mend-sh/mend/steps"

var _ steps.Describer = Type{}

// Describe says how the host's clock is measured and what is ok.
func (Type) Describe(a steps.Args) steps.Description {
	s := "measures the host's clock offset against this machine's (" + a.Text("samples", "3") + " round trips) and reads its NTP state"
	if a.Has("max_offset") {
		s += "; ok only within " + a.Text("max_offset", "")
	}
	return steps.Description{Summary: s}
}
