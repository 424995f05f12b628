package views

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/mend-sh/mend/engine"
)

// CommentLimit is the most characters GitHub takes in a pull-request
// comment; markdown output is folded to stay under it.
const CommentLimit = 65536

var fenceOpen = regexp.MustCompile("^(`{3,})[A-Za-z0-9_-]*$")

// FoldedMarkdown is the Markdown view folded to at most Limit characters
// (FoldMarkdown): what -format markdown writes, a pull-request comment.
type FoldedMarkdown struct {
	W     io.Writer
	Limit int
}

// Hook: markdown is one comment, written at the end.
func (FoldedMarkdown) Hook(engine.Mode) engine.Hook { return engine.NopHook{} }

// Run writes the folded comment.
func (v FoldedMarkdown) Run(r *engine.Run) error {
	var b strings.Builder
	if err := (Markdown{W: &b}).Run(r); err != nil {
		return err
	}
	_, err := io.WriteString(v.W, FoldMarkdown(b.String(), v.Limit))
	return err
}

var _ View = FoldedMarkdown{}

// foldKeep is how many lines of a folded code block are kept.
const foldKeep = 20

// FoldMarkdown returns md unchanged when it has at most limit characters.
// Otherwise it folds the longest code blocks (previews: diffs, commands)
// to their first lines, largest first, each saying how many lines were
// cut, until the text fits; if it still does not, it is cut at a line
// boundary. Either way a closing note says what was cut and where the
// whole plan is (-format json, or the saved plan). Fences stay balanced.
func FoldMarkdown(md string, limit int) string {
	if utf8.RuneCountInString(md) <= limit {
		return md
	}
	lines := strings.Split(md, "\n")
	type block struct{ start, end int } // body lines are (start, end)
	var blocks []block
	for i := 0; i < len(lines); i++ {
		m := fenceOpen.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		for j := i + 1; j < len(lines); j++ {
			if lines[j] == m[1] {
				blocks = append(blocks, block{i, j})
				i = j
				break
			}
		}
	}
	folded, cutLines := 0, 0
	note := func() string {
		return fmt.Sprintf("\n> **Folded to fit a pull-request comment (%d characters):** %d previews cut to their first %d lines (%d lines cut). "+
			"`mend plan -format json`, or the saved plan (`mend show PLANFILE -format json`), has them in full.\n", limit, folded, foldKeep, cutLines)
	}
	budget := limit - utf8.RuneCountInString(note()) - 200
	size := utf8.RuneCountInString(md)
	body := make([][]string, len(blocks))
	for i, b := range blocks {
		body[i] = lines[b.start+1 : b.end]
	}
	for size > budget {
		best, bestSize := -1, 0
		for i, bl := range body {
			if len(bl) <= foldKeep+1 {
				continue
			}
			n := 0
			for _, l := range bl[foldKeep:] {
				n += utf8.RuneCountInString(l) + 1
			}
			if n > bestSize {
				best, bestSize = i, n
			}
		}
		if best < 0 {
			break
		}
		cut := len(body[best]) - foldKeep
		msg := fmt.Sprintf("[... %d more lines folded ...]", cut)
		body[best] = append(append([]string(nil), body[best][:foldKeep]...), msg)
		size -= bestSize - utf8.RuneCountInString(msg) - 1
		folded++
		cutLines += cut
	}
	var out strings.Builder
	next := 0
	for i, b := range blocks {
		for _, l := range lines[next : b.start+1] {
			out.WriteString(l + "\n")
		}
		for _, l := range body[i] {
			out.WriteString(l + "\n")
		}
		next = b.end
	}
	out.WriteString(strings.Join(lines[next:], "\n"))
	s := out.String()
	if utf8.RuneCountInString(s) > budget {
		s = cutAt(s, budget)
	}
	return s + note()
}

// cutAt cuts md to at most n characters at a line boundary outside any
// code block, closing an open <details> and saying so.
func cutAt(md string, n int) string {
	lines := strings.Split(md, "\n")
	var out strings.Builder
	size, inFence, fence, openDetails := 0, false, "", 0
	lastSafe, lastDetails := 0, 0
	for _, l := range lines {
		if size+utf8.RuneCountInString(l)+1 > n {
			break
		}
		out.WriteString(l + "\n")
		size += utf8.RuneCountInString(l) + 1
		switch {
		case inFence && l == fence:
			inFence = false
		case !inFence && fenceOpen.MatchString(l):
			inFence, fence = true, fenceOpen.FindStringSubmatch(l)[1]
		}
		openDetails += strings.Count(l, "<details>") - strings.Count(l, "</details>")
		if !inFence {
			lastSafe, lastDetails = out.Len(), openDetails
		}
	}
	s := out.String()[:lastSafe]
	s += "\n_The rest of the plan was cut to fit a pull-request comment._\n"
	for range max(lastDetails, 0) {
		s += "</details>\n"
	}
	return s
}
