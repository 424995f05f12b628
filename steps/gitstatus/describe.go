package gitstatus

import "github.com/mend-sh/mend/steps"

var _ steps.Describer = Type{}

// Describe says which checkout is read, against what, and whether it
// fetches (which changes remote-tracking refs).
func (Type) Describe(a steps.Args) steps.Description {
	s := "reads the git checkout at " + a.Text("path", "?") + ": branch, dirty files, ahead/behind " + a.Text("remote_ref", "its upstream")
	d := steps.Description{Summary: s}
	if f, _ := a.Bool("fetch"); f {
		d.Details = append(d.Details, "runs git fetch first (updates remote-tracking refs, never the working tree)")
	}
	return d
}
