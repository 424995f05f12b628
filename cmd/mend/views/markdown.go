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
		fmt.Fprintf(v.W, "| `%s` | `%s` | %s | %s |\n", symbol(s), s.Address, s.Status, cell(hostsCell(s)))
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
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return s.Reason
	}
	return strings.Join(parts, "<br>")
}

func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

func (v Markdown) details(s *engine.StepRun) {
	var body strings.Builder
	for _, h := range s.Hosts {
		if h.Preview == nil && len(h.Details) == 0 && h.Error == "" {
			continue
		}
		if h.Host != "" {
			fmt.Fprintf(&body, "**%s**\n\n", h.Host)
		}
		for _, d := range h.Details {
			fmt.Fprintf(&body, "- %s\n", d)
		}
		if h.Error != "" {
			fmt.Fprintf(&body, "- error (%s): %s\n", h.ErrorClass, h.Error)
		}
		if p := h.Preview; p != nil {
			if p.Command != "" {
				fmt.Fprintf(&body, "\n```sh\n%s\n```\n", p.Command)
			}
			for _, c := range p.Changes {
				fmt.Fprintf(&body, "- %s\n", c)
			}
			if p.Diff != "" {
				fmt.Fprintf(&body, "\n```diff\n%s\n```\n", strings.TrimRight(p.Diff, "\n"))
			}
		}
		body.WriteString("\n")
	}
	if body.Len() == 0 {
		return
	}
	title := s.Address
	if s.Approval != "" {
		title += " (approval required: " + s.Approval + ")"
	}
	fmt.Fprintf(v.W, "<details><summary><code>%s</code></summary>\n\n%s</details>\n\n", title, body.String())
}
