package command

import (
	"strings"

	"github.com/mend-sh/mend/internal/shell"
	"github.com/mend-sh/mend/steps"
)

var (
	_ steps.Describer = Diagnose{}
	_ steps.Describer = Repair{}
)

// Describe says what the diagnosis runs: "runs: systemctl is-active etcd".
func (Diagnose) Describe(a steps.Args) steps.Description {
	return steps.Description{Summary: "runs: " + describedLine(a), Details: stdinDetail(a)}
}

// Describe says what the repair runs and what would make it a no-op.
func (Repair) Describe(a steps.Args) steps.Description {
	d := steps.Description{Summary: "runs: " + describedLine(a), Details: stdinDetail(a)}
	if a.Has("creates") {
		d.Details = append(d.Details, "not when "+a.Text("creates", "")+" exists")
	}
	if a.Has("unless") {
		d.Details = append(d.Details, "not when this exits 0: "+a.Text("unless", ""))
	}
	return d
}

// describedLine is the command as the host's shell will get it: command,
// or args quoted word by word.
func describedLine(a steps.Args) string {
	if a.Has("command") {
		return a.Text("command", "")
	}
	v, ok := a.Values["args"]
	if !ok || v.Sensitive || !v.Value.IsWhollyKnown() || v.Value.IsNull() {
		return a.Text("args", "?")
	}
	var words []string
	for it := v.Value.ElementIterator(); it.Next(); {
		_, e := it.Element()
		words = append(words, shell.Quote(steps.ValueText(e)))
	}
	return strings.Join(words, " ")
}

func stdinDetail(a steps.Args) []string {
	if !a.Has("stdin") {
		return nil
	}
	if s, ok := a.String("stdin"); ok {
		return []string{"with " + steps.SizeText(int64(len(s))) + " on stdin"}
	}
	return []string{"with stdin " + a.Text("stdin", "")}
}
