package views

import (
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/mend-sh/mend/engine"
)

// Markdown renders a run for a pull-request comment: a summary table, then
// each repair's preview in a collapsible section.
type Markdown struct{ W io.Writer }

// Run writes the comment.
func (v Markdown) Run(r *engine.Run) error {
	fmt.Fprintf(v.W, "### mend %s: %s\n\n", r.Mode, code(r.Runbook))
	if r.Title != "" {
		fmt.Fprintf(v.W, "%s\n\n", cell(r.Title))
	}
	fmt.Fprintf(v.W, "Runbook sha256 %s\n\n", code(r.RunbookSHA256))
	v.locks(r)
	fmt.Fprintln(v.W, "| | step | status | hosts |")
	fmt.Fprintln(v.W, "|---|---|---|---|")
	for _, s := range r.Steps {
		fmt.Fprintf(v.W, "| `%s` | %s | %s | %s |\n", symbol(s), code(s.Address), s.Status, hostsCell(s))
	}
	fmt.Fprintln(v.W)
	for _, st := range r.Stages {
		v.stage(st)
	}
	for _, s := range r.Steps {
		v.details(s)
	}
	var b strings.Builder
	Text{W: &b}.Summary(r)
	_, err := fmt.Fprintf(v.W, "**%s**\n", strings.TrimSpace(strings.ReplaceAll(b.String(), "\n", " ")))
	return err
}

func hostsCell(s *engine.StepRun) string {
	var parts []string
	for _, h := range s.Hosts {
		label := h.Host
		switch {
		case h.Batch > 0 && s.BetweenBatches:
			label = strings.TrimSpace(fmt.Sprintf("%s (after batch %d)", label, h.Batch))
		case h.Batch > 0:
			label = strings.TrimSpace(fmt.Sprintf("%s (batch %d)", label, h.Batch))
		}
		p := string(h.Status)
		if label != "" {
			p = label + ": " + p
		}
		if h.Summary != "" {
			p += " - " + h.Summary
		}
		parts = append(parts, cell(p))
	}
	if len(parts) == 0 {
		return cell(s.Reason)
	}
	return strings.Join(parts, "<br>")
}

// cell makes text from hosts safe inside a table cell of a pull-request
// comment: no column breaks, no line breaks, no HTML or markdown markup.
func cell(s string) string {
	return strings.ReplaceAll(escape(s), "\n", " ")
}

// escape neutralises HTML and markdown punctuation in text that came from
// hosts (summaries, details, errors), so a host cannot inject markup into
// a pull-request comment, and shows control characters (Clean).
var escaper = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;", "|", `\|`, "`", "\\`",
	"*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
)

func escape(s string) string { return escaper.Replace(Clean(s)) }

// htmlText is s cleaned and HTML-escaped, for text inside an HTML block.
func htmlText(s string) string { return html.EscapeString(Clean(s)) }

// code is s as inline code: cleaned, in a run of backticks longer than any
// in it.
func code(s string) string {
	s = Clean(s)
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// longestRun is the length of the longest run of c in s.
func longestRun(s string, c rune) int {
	longest, run := 0, 0
	for _, r := range s {
		if r == c {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// fenced wraps text in a code fence longer than any run of backticks in
// it, so the text cannot close the fence early.
func fenced(lang, text string) string {
	text = CleanBlock(text)
	fence := strings.Repeat("`", max(3, longestRun(text, '`')+1))
	return fmt.Sprintf("\n%s%s\n%s\n%s\n", fence, lang, strings.TrimRight(text, "\n"), fence)
}

func (v Markdown) details(s *engine.StepRun) {
	var body strings.Builder
	for _, h := range s.Hosts {
		if h.Preview == nil && len(h.Details) == 0 && h.Error == "" {
			continue
		}
		if h.Host != "" {
			fmt.Fprintf(&body, "**%s**\n\n", escape(h.Host))
		}
		for _, d := range h.Details {
			fmt.Fprintf(&body, "- %s\n", cell(d))
		}
		if h.Error != "" {
			fmt.Fprintf(&body, "- error (%s): %s\n", h.ErrorClass, cell(h.Error))
		}
		if p := h.Preview; p != nil {
			if p.Command != "" {
				body.WriteString(fenced("sh", p.Command))
			}
			for _, c := range p.Changes {
				fmt.Fprintf(&body, "- %s\n", cell(c))
			}
			if p.Diff != "" {
				body.WriteString(fenced("diff", p.Diff))
			}
		}
		body.WriteString("\n")
	}
	if body.Len() == 0 {
		return
	}
	// The summary line is in an HTML block, where markdown is not parsed:
	// it gets HTML escaping only.
	title := htmlText(s.Address)
	if s.Approval != "" {
		title += " (approval required: " + htmlText(s.Approval) + ")"
	}
	fmt.Fprintf(v.W, "<details><summary><code>%s</code></summary>\n\n%s</details>\n\n", title, body.String())
}

// stage lists a stage's batches and how each went.
func (v Markdown) stage(st *engine.StageRun) {
	fmt.Fprintf(v.W, "**Stage %s** (%s)\n\n", code(st.Name), cell(st.Settings))
	for _, b := range st.Batches {
		line := fmt.Sprintf("- batch %d (%s): %s", b.Number, cell(strings.Join(b.Hosts, ", ")), b.Status)
		if b.Reason != "" {
			line += " - " + cell(b.Reason)
		}
		fmt.Fprintln(v.W, line)
	}
	if len(st.Skipped) > 0 {
		fmt.Fprintf(v.W, "- skipped by the stage's when: %s\n", cell(strings.Join(st.Skipped, ", ")))
	}
	if len(st.BetweenBatches) > 0 {
		fmt.Fprintf(v.W, "- between batches: %s\n", cell(strings.Join(st.BetweenBatches, ", ")))
	}
	if st.Stopped != "" {
		fmt.Fprintf(v.W, "- **stopped**: %s\n", cell(st.Stopped))
	}
	fmt.Fprintln(v.W)
}
