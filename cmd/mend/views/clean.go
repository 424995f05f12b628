package views

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Clean makes text from a host, a runbook or a log safe to print on one
// line: control characters (C0 including tab and newline, DEL, C1, so
// every terminal escape sequence), bidirectional overrides and invalid
// UTF-8 bytes are written visibly as \xNN or \uNNNN, never passed through.
// Every view and every message the CLI prints passes such text through
// Clean (or CleanBlock); JSON keeps exact values, escaped by encoding/json.
func Clean(s string) string {
	return clean(s, false)
}

// CleanBlock is Clean for text of several lines (a diff, an output
// excerpt): newlines and tabs stay, everything else is as in Clean.
func CleanBlock(s string) string {
	return clean(s, true)
}

func clean(s string, block bool) string {
	if safe(s, block) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case block && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&b, `\x%02x`, r)
		case bidi(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// safe reports whether s needs no escaping (the common case, kept cheap).
func safe(s string, block bool) bool {
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			return false // invalid UTF-8, or U+FFFD itself: the slow path tells them apart
		case block && (r == '\n' || r == '\t'):
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0, bidi(r):
			return false
		}
	}
	return true
}

// bidi reports the bidirectional embedding, override and isolate controls
// (and the marks), which can make text read in another order than it is.
func bidi(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c
}
