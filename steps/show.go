package steps

import (
	"fmt"
	"strings"
)

// ShowLines is how many lines of a text result `show_output = true` puts
// in plan and apply output.
const ShowLines = 10

// HiddenText stands for a text result that holds a secret.
const HiddenText = "(output hidden: it holds a secret)"

// ShownLines is what `show_output = true` adds to a step's details: the
// first ShowLines lines of text, each prefixed "| ", and how many more
// there are; a text that holds a secret (hidden) is one line saying so.
// Every diagnose type whose result is text (a command's stdout, a file's
// content, an HTTP body, matched log lines) offers show_output through
// it, so they all show text the same way. Views escape control
// characters; the engine redacts known secrets.
func ShownLines(text string, hidden bool) []string {
	if hidden {
		return []string{"| " + HiddenText}
	}
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) == 1 && lines[0] == "" {
		return []string{"| (no output)"}
	}
	var out []string
	for i, l := range lines {
		if i == ShowLines {
			out = append(out, fmt.Sprintf("| (%d more lines)", len(lines)-ShowLines))
			break
		}
		out = append(out, "| "+l)
	}
	return out
}
