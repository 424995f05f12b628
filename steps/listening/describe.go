package listening

import "github.com/mend-sh/mend/steps"

var _ steps.Describer = Type{}

// Describe says which listening sockets are listed.
func (Type) Describe(a steps.Args) steps.Description {
	if a.Has("port") {
		return steps.Description{Summary: "lists the sockets listening on port " + a.Text("port", "") + " and their processes"}
	}
	return steps.Description{Summary: "lists every listening socket and its process"}
}
