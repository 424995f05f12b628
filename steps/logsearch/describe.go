package logsearch

import "github.com/mend-sh/mend/steps"

var _ steps.Describer = Type{}

// Describe says what is searched, where and over which window.
func (Type) Describe(a steps.Args) steps.Description {
	var where string
	switch {
	case a.Has("unit"):
		where = "the journal of unit " + a.Text("unit", "")
	case a.Has("journal_file"):
		where = "the journal file " + a.Text("journal_file", "")
	default:
		where = a.Text("path", "?")
		if a.Has("rotated") {
			where += " and its rotated files " + a.Text("rotated", "")
		}
	}
	s := "searches " + where + " for " + a.Text("pattern", "?")
	if a.Has("since") {
		s += " since " + a.Text("since", "")
	}
	if a.Has("until") {
		s += " until " + a.Text("until", "")
	}
	return steps.Description{Summary: s}
}
