package httpcheck

import "github.com/mend-sh/mend/steps"

var _ steps.Describer = Type{}

// Describe says which URL is requested, from where, and what counts as ok.
func (Type) Describe(a steps.Args) steps.Description {
	from := "from the host"
	if via, ok := a.Bool("via_ssh"); ok && !via {
		from = "from the machine running mend"
	}
	s := "requests " + a.Text("method", "GET") + " " + a.Text("url", "?") + " " + from +
		"; ok on status " + a.Text("expect_status", "200")
	if a.Has("body_contains") {
		s += " with a body containing " + a.Text("body_contains", "")
	}
	d := steps.Description{Summary: s}
	if a.Has("ca_file") {
		d.Details = append(d.Details, "verifies the server with "+a.Text("ca_file", "")+" on the host")
	}
	return d
}
