package hostscript

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Text returns b as valid UTF-8 (invalid bytes become U+FFFD), cut to at
// most max bytes on a rune boundary with "…" appended when cut. Control
// characters are kept: views render them visibly; this only bounds size.
func Text(b []byte, max int) string {
	cut := false
	if len(b) > max {
		n := max
		for n > 0 && n > max-utf8.UTFMax && !utf8.RuneStart(b[n]) {
			n--
		}
		b, cut = b[:n], true
	}
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	if cut {
		s += "…"
	}
	return s
}

// Lines splits b into at most max lines (without their "\n"), and says
// whether there were more. A last line without "\n" counts.
func Lines(b []byte, max int) ([][]byte, bool) {
	var out [][]byte
	for len(b) > 0 {
		if len(out) == max {
			return out, true
		}
		line, rest, _ := bytes.Cut(b, []byte{'\n'})
		out = append(out, line)
		b = rest
	}
	return out, false
}

// LastLine is the last non-empty line of b, trimmed, as Text of at most
// max bytes.
func LastLine(b []byte, max int) string {
	b = bytes.TrimRight(b, "\n \t")
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[i+1:]
	}
	return Text(bytes.TrimSpace(b), max)
}

// Fields splits line at runs of spaces and tabs into at most n fields;
// the last field is the rest of the line with its leading blanks
// removed (so a path with spaces at the end of a line survives). Fewer
// than n fields returns what there is.
func Fields(line []byte, n int) [][]byte {
	var out [][]byte
	for len(out) < n-1 {
		line = bytes.TrimLeft(line, " \t")
		if len(line) == 0 {
			return out
		}
		i := bytes.IndexAny(line, " \t")
		if i < 0 {
			return append(out, line)
		}
		out = append(out, line[:i])
		line = line[i:]
	}
	line = bytes.TrimLeft(line, " \t")
	if len(line) > 0 {
		out = append(out, line)
	}
	return out
}

// FirstLine is the first non-empty line of b, trimmed, as Text of at
// most max bytes: for tools whose first line is the reason and the rest
// advice (git's "fatal: ..." before its hints).
func FirstLine(b []byte, max int) string {
	for _, line := range bytes.Split(b, []byte{'\n'}) {
		if l := bytes.TrimSpace(line); len(l) > 0 {
			return Text(l, max)
		}
	}
	return ""
}

// ShownLines is how many lines show_output puts in a plan.
const ShownLines = 10

// ShowLines is the first n lines of text, each prefixed "| " and cut at
// 300 bytes, then "| (N more lines)" if there are more; "| (no output)"
// for empty text. It is how a step's show_output renders text in its
// details.
func ShowLines(text string, n int) []string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) == 1 && lines[0] == "" {
		return []string{"| (no output)"}
	}
	var out []string
	for i, l := range lines {
		if i == n {
			out = append(out, fmt.Sprintf("| (%d more lines)", len(lines)-n))
			break
		}
		out = append(out, "| "+Text([]byte(l), 300))
	}
	return out
}
