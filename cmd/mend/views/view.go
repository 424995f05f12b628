package views

import (
	"fmt"
	"io"

	"github.com/mend-sh/mend/engine"
)

// View renders one plan or apply in one output format. The CLI picks the
// implementation once, from -format (New), and from then on only calls
// it: adding a format is one implementation and one line in New.
type View interface {
	// Hook is the engine hook that shows the run while it goes, for the
	// engine's Options.Hook; engine.NopHook{} when the format shows
	// nothing before the end.
	Hook(mode engine.Mode) engine.Hook
	// Run renders the finished run.
	Run(r *engine.Run) error
}

// Formats are the names -format accepts, in the order help lists them.
var Formats = []string{"text", "markdown", "json"}

// Options are what New needs besides the format.
type Options struct {
	// Out receives the rendered run (stdout).
	Out io.Writer
	// Progress receives a line per host as an apply goes (stderr), in
	// the text format only; nil: none.
	Progress io.Writer
	// Color turns on ANSI colour in the text format; the CLI sets it only
	// for a terminal without NO_COLOR or -no-color.
	Color bool
}

// New returns the View for format, or an error naming the formats there are.
func New(format string, o Options) (View, error) {
	switch format {
	case "text":
		return Text{W: o.Out, Color: o.Color, Progress: o.Progress}, nil
	case "markdown":
		return FoldedMarkdown{W: o.Out, Limit: CommentLimit}, nil
	case "json":
		return JSON{W: o.Out}, nil
	}
	return nil, fmt.Errorf("unknown -format %q: use text, markdown or json", format)
}

var (
	_ View = Text{}
	_ View = Markdown{}
	_ View = JSON{}
)

// Hook: markdown is one comment, written at the end.
func (Markdown) Hook(engine.Mode) engine.Hook { return engine.NopHook{} }

// Hook: a JSON document is written whole, at the end.
func (JSON) Hook(engine.Mode) engine.Hook { return engine.NopHook{} }
