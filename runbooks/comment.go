package runbooks

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// CommentBefore returns the comment written on the lines right above
// rng's first line (a block's header), as prose: the "#" or "//" markers
// and a leading "N." numbering kept as written, lines joined by spaces,
// blank comment lines kept as paragraph breaks ("\n"). "" when the line
// above is not a comment. `mend show` uses it as a step's description:
// the runbooks in examples/ say what each step is for in such comments.
func (rb *Runbook) CommentBefore(rng hcl.Range) string {
	lines := strings.Split(string(rb.Source), "\n")
	var above []string
	for i := rng.Start.Line - 2; i >= 0 && i < len(lines); i-- {
		text, ok := commentText(lines[i])
		if !ok {
			break
		}
		above = append(above, text)
	}
	var paras []string
	var cur []string
	for i := len(above) - 1; i >= 0; i-- {
		if above[i] == "" {
			if len(cur) > 0 {
				paras = append(paras, strings.Join(cur, " "))
			}
			cur = nil
			continue
		}
		cur = append(cur, above[i])
	}
	if len(cur) > 0 {
		paras = append(paras, strings.Join(cur, " "))
	}
	return strings.Join(paras, "\n")
}

// commentText is a whole-line comment's text without its marker.
func commentText(line string) (string, bool) {
	t := strings.TrimSpace(line)
	for _, marker := range []string{"#", "//"} {
		if rest, ok := strings.CutPrefix(t, marker); ok {
			return strings.TrimSpace(rest), true
		}
	}
	return "", false
}
