package process

import "github.com/mend-sh/mend/steps"

var _ steps.Describer = Type{}

// Describe says which processes are looked for.
func (Type) Describe(a steps.Args) steps.Description {
	if a.Has("name") {
		return steps.Description{Summary: "lists the processes named " + a.Text("name", "")}
	}
	return steps.Description{Summary: "lists the processes whose command line matches " + a.Text("pattern", "?")}
}
