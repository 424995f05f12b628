package assert

import "github.com/mend-sh/mend/steps"

var _ steps.Describer = Type{}

// Describe says what must hold, and what the run says when it does not.
func (Type) Describe(a steps.Args) steps.Description {
	return steps.Description{Summary: "stops the run unless " + a.Text("condition", "?"),
		Details: []string{"saying: " + a.Text("message", "?")}}
}
