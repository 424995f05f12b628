package views

import (
	"encoding/json"
	"io"

	"github.com/mend-sh/mend/engine"
)

// FormatVersion is the version of the JSON document. It changes only when
// a field is removed or changes meaning; new fields may appear at any time.
// The document is described in README.md ("JSON output").
const FormatVersion = "1"

// JSON renders a run as one JSON document.
type JSON struct{ W io.Writer }

type jsonRun struct {
	FormatVersion string `json:"format_version"`
	*engine.Run
	Pending bool     `json:"pending_changes"`
	Failed  bool     `json:"failed"`
	NotDone []string `json:"not_done,omitempty"`
}

// Run writes the document.
func (v JSON) Run(r *engine.Run) error {
	doc := jsonRun{FormatVersion: FormatVersion, Run: r,
		Pending: r.Pending(), Failed: r.Failed(), NotDone: r.NotDone()}
	enc := json.NewEncoder(v.W)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
