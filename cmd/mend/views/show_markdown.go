package views

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/mend-sh/mend/engine"
)

// ShowMarkdown writes the outline for a pull-request comment: the title,
// the description as prose, the variables in a table, then each step as a
// numbered section with the same facts as ShowText. Text from the runbook
// is escaped so it cannot inject markup; expressions are inline code.
func ShowMarkdown(w io.Writer, o *engine.Outline) error {
	bw := bufio.NewWriter(w)
	title := o.Title
	if title == "" {
		title = o.Runbook
	}
	fmt.Fprintf(bw, "### mend show: %s\n\n", cell(title))
	fmt.Fprintf(bw, "Runbook %s, sha256 %s. Shown without reaching any host; %s.\n\n", code(o.Runbook), code(o.SHA256), inventoryNote(o))
	if o.Description != "" {
		for _, para := range paragraphs(o.Description) {
			fmt.Fprintf(bw, "%s\n\n", prose(para))
		}
	}
	if len(o.Variables) > 0 {
		fmt.Fprintln(bw, "| variable | value | description |")
		fmt.Fprintln(bw, "|---|---|---|")
		for _, v := range o.Variables {
			fmt.Fprintf(bw, "| %s | %s | %s |\n", code(v.Name), cell(variableValue(v)), cell(v.Description))
		}
		fmt.Fprintln(bw)
	}
	stage := ""
	for i, s := range o.Steps {
		if s.Stage != stage && s.Stage != "" {
			fmt.Fprintf(bw, "#### stage %s (%s)\n\n", code(s.Stage), cell(s.StageSettings))
		}
		stage = s.Stage
		showStepMarkdown(bw, i+1, s)
	}
	return bw.Flush()
}

func showStepMarkdown(w io.Writer, n int, s *engine.OutlineStep) {
	between := ""
	if s.Between {
		between = " (between batches)"
	}
	mark := ""
	if s.Phase.String() == "repair" {
		mark = " ✏️"
	}
	fmt.Fprintf(w, "**%d. %s**%s%s, line %d\n\n", n, code(s.Address), between, mark, s.Line)
	if s.Comment != "" {
		for _, para := range strings.Split(s.Comment, "\n") {
			fmt.Fprintf(w, "%s\n\n", prose(para))
		}
	}
	for _, f := range stepFacts(s) {
		if f.label == detailLabel {
			fmt.Fprintf(w, "  - %s\n", cell(f.text))
			continue
		}
		fmt.Fprintf(w, "- %s: %s\n", escape(f.label), cell(f.text))
	}
	fmt.Fprintln(w)
}

// paragraphs splits prose at blank lines and joins each paragraph's
// lines, as markdown would render them.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// prose is a paragraph escaped, with a leading "1." kept as text rather
// than starting a numbered list.
func prose(s string) string {
	s = escape(s)
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && s[i] == '.' {
		return s[:i] + `\.` + s[i+1:]
	}
	return s
}
