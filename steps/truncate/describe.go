package truncate

import "github.com/mend-sh/mend/steps"

var _ steps.Describer = Type{}

// Describe says which file the repair empties and what it keeps.
func (Type) Describe(a steps.Args) steps.Description {
	d := steps.Description{Summary: "empties " + a.Text("path", "?") + " in place (only under " + a.Text("allowed_prefixes", "?") + ")"}
	if v, ok := a.Values["keep_tail_bytes"]; ok && v.Value.IsWhollyKnown() && !v.Value.IsNull() {
		d.Details = append(d.Details, "keeps its last "+a.Text("keep_tail_bytes", "")+" bytes in "+a.Text("path", "?")+".mend-tail")
	} else if ok {
		d.Details = append(d.Details, "keeps its last "+a.Text("keep_tail_bytes", "")+" bytes")
	}
	return d
}
