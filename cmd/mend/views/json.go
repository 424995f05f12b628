package views

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

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
	return writeJSON(v.W, doc)
}

// writeJSON writes doc indented. Values stay exact; encoding/json escapes
// C0 controls, and DEL, C1 controls and bidirectional overrides (which it
// passes through) are escaped as \uNNNN too, so the document is safe on a
// terminal: `mend plan -format json | less` cannot be steered by a host.
func writeJSON(w io.Writer, doc any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	out := b.Bytes()
	if !safe(string(out), true) {
		var e strings.Builder
		for _, r := range string(out) { // outside strings a JSON document is ASCII
			if r == 0x7f || r >= 0x80 && r < 0xa0 || bidi(r) {
				fmt.Fprintf(&e, `\u%04x`, r)
			} else {
				e.WriteRune(r)
			}
		}
		out = []byte(e.String())
	}
	_, err := w.Write(out)
	return err
}
