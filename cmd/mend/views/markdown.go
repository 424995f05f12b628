package views

import (
	"fmt"
	"io"
	"strings"

	"github.com/mend-sh/mend/engine"
)

// Markdown renders a run for a pull-request comment: a summary table, then
// each repair's preview in a collapsible section.
type Markdown struct{ W io.Writer }

// Run writes the comment.
func (v Markdown) Run(r *engine.Run) {
	fmt.Fprintf(v.W, "### mend %s: `%s`\n\n", r.Mode, r.Runbook)
	if r.Title != "" {
		fmt.Fprintf(v.W, "%s\n\n", r.Title)
	}
	fmt.Fprintf(v.W, "Runbook sha256 `%s`\n\n", r.RunbookSHA256)
	fmt.Fprintln(v.W, "| | step | status | hosts |")
	fmt.Fprintln(v.W, "|---|---|---|---|")
	for _, s := range r.Steps {
		fmt.Fprintf(v.W, "| `%s` | `%s` | %s | %s |\n", symbol(s), s.Address, s.Status, hostsCell(s))
	}
	fmt.Fprintln(v.W)
	for _, s := range r.Steps {
		v.details(s)
	}
	var b strings.Builder
	Text{W: &b}.Summary(r)
	fmt.Fprintf(v.W, "**%s**\n", strings.TrimSpace(strings.ReplaceAll(b.String(), "\n", " ")))
}

func hostsCell(s *engine.StepRun) string {
	var parts []string
	for _, h := range s.Hosts {
		p := string(h.Status)
		if h.Host != "" {
			p = h.Host + ": " + p
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
// a pull-request comment.
var escaper = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;", "|", `\|`, "`", "\\`",
	"*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
)

func escape(s string) string { return escaper.Replace(s) }

// fenced wraps text in a code fence longer than any run of backticks in
// it, so the text cannot close the fence early.
func fenced(lang, text string) string {
	longest, run := 0, 0
	for _, c := range text {
		if c == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", max(3, longest+1))
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
	title := s.Address
	if s.Approval != "" {
		title += " (approval required: " + escape(s.Approval) + ")"
	}
	fmt.Fprintf(v.W, "<details><summary><code>%s</code></summary>\n\n%s</details>\n\n", title, body.String())
}
