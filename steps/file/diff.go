package file

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mend-sh/mend/steps"
	"github.com/pmezard/go-difflib/difflib"
)

// contextLines is how many unchanged lines a diff shows around a change.
const contextLines = 3

// contentChange is the preview of a file's content change.
type contentChange struct {
	diff           string   // unified diff, or a one-line note when hidden
	certs          []string // certificates removed, added and kept (certChanges)
	added, removed int      // lines
	binary         bool     // one side is not text: counts are zero
	large          bool     // over maxDiffBytes: summarised, counts are zero
	oldSize        int64    // bytes, when large
	newSize        int
}

// diffContent compares the current content (cur: not existing, whole, or
// its first part and digest; see readCurrent) with the desired one, new
// of hex sha256 newSum. Only digests are shown when the desired content
// derives from a sensitive value (sensitive: the old content may hold the
// secret it replaces), when either side holds a secret (see
// steps.ContainsSecret), and for binary content.
//
// The result is computed once per (path, old digest, new digest,
// sensitive) and kept (changeCache): ten hosts with the same old content,
// and the plan and apply of one, cost one scan and one diff. Content over
// maxDiffBytes on either side is summarised instead of diffed (see
// largeChange).
func diffContent(path string, cur steps.FileDigest, new []byte, newSum string, sensitive bool) contentChange {
	key := changeKey{path: path, exists: cur.Exists, old: cur.SHA256, new: newSum, sensitive: sensitive}
	return changeCache.get(key, func() contentChange { return computeChange(path, cur, new, newSum, sensitive) })
}

// maxDiffBytes is the largest content (either side) that gets a full
// diff and line counts: difflib's matcher is superlinear, and a reviewer
// does not read a diff of a megabyte. It is also how much of a larger
// current file is read (readCurrent).
const maxDiffBytes = 128 << 10

func computeChange(path string, cur steps.FileDigest, new []byte, newSum string, sensitive bool) contentChange {
	old, exists := cur.Content, cur.Exists
	if !cur.Complete() {
		return partialChange(cur, new, newSum, sensitive)
	}
	binary := isBinary(old) || isBinary(new)
	if !binary && (len(old) > maxDiffBytes || len(new) > maxDiffBytes) {
		return largeChange(cur, new, sensitive)
	}
	var a, b []string
	ch := contentChange{binary: binary, certs: certChanges(old, new)}
	if !binary {
		a, b = splitLines(string(old)), splitLines(string(new))
		ch.added, ch.removed = countLines(a, b)
	}
	switch {
	case sensitive:
		ch.diff = "(content hidden: derived from a sensitive value) " + sizes(exists, cur.Size, new)
		return ch
	case steps.ContainsSecret(old) || steps.ContainsSecret(new):
		ch.diff = "(content hidden: contains a secret) " + sizes(exists, cur.Size, new)
		return ch
	case binary:
		ch.diff = "(binary content) " + digests(cur, new)
		return ch
	}
	if onlyCertificates(old) && onlyCertificates(new) {
		// Base64 lines say nothing to a reviewer; the certificate lines of
		// the preview (subject, issuer, fingerprint, expiry) do.
		ch.diff = "(PEM certificates: raw diff omitted, see the certificate lines) " + digests(cur, new)
		return ch
	}
	from := "a" + path + " (on host)"
	if !exists {
		from = "/dev/null"
	}
	ch.diff, _ = difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: a, B: b, FromFile: from, ToFile: "b" + path + " (desired)", Context: contextLines,
	})
	return ch
}

// largeChange is the preview of text content too large to diff: sizes,
// digests and the first line that differs, or, for content that must not
// be shown (sensitive, a secret), sizes only.
func largeChange(cur steps.FileDigest, new []byte, sensitive bool) contentChange {
	ch := contentChange{large: true, oldSize: cur.Size, newSize: len(new), certs: certChanges(cur.Content, new)}
	switch {
	case sensitive:
		ch.diff = "(content hidden: derived from a sensitive value) " + sizes(cur.Exists, cur.Size, new)
	case steps.ContainsSecret(cur.Content) || steps.ContainsSecret(new):
		ch.diff = "(content hidden: contains a secret) " + sizes(cur.Exists, cur.Size, new)
	default:
		ch.diff = fmt.Sprintf("(diff not computed: over %d KiB) %s, %s%s", maxDiffBytes>>10,
			sizes(cur.Exists, cur.Size, new), digests(cur, new), firstDifference(cur, new))
	}
	return ch
}

// partialChange is largeChange for a current file of which only the first
// part was read (and found to hold no secret literal, see readCurrent):
// its digest is not shown, since the rest, unseen, may hold a secret.
func partialChange(cur steps.FileDigest, new []byte, newSum string, sensitive bool) contentChange {
	ch := contentChange{large: true, oldSize: cur.Size, newSize: len(new), certs: certChanges(cur.Content, new)}
	size := sizes(cur.Exists, cur.Size, new)
	switch {
	case sensitive:
		ch.diff = "(content hidden: derived from a sensitive value) " + size
	case steps.ContainsSecret(new):
		ch.diff = "(content hidden: contains a secret) " + size
	case isBinary(new):
		ch.diff = "(binary content) " + size + ", new sha256 " + newSum
	default:
		ch.diff = fmt.Sprintf("(diff not computed: over %d KiB) %s, new sha256 %s (the current content's is not shown: only its first %d KiB were read)%s",
			maxDiffBytes>>10, size, newSum, maxDiffBytes>>10, firstDifference(cur, new))
	}
	return ch
}

// maxShownLine bounds each line firstDifference quotes.
const maxShownLine = 200

// firstDifference is "\nfirst difference at line N:\n-old\n+new" (a side
// past its end shows nothing); "" for a new file. Of current content read
// in part, only whole lines are compared; when they all match, it says so.
func firstDifference(cur steps.FileDigest, new []byte) string {
	if !cur.Exists {
		return ""
	}
	old, complete := cur.Content, cur.Complete()
	line := 1
	for {
		a, restA, okA := bytes.Cut(old, []byte("\n"))
		if !okA && !complete {
			return fmt.Sprintf("\nno difference in the first %d lines (the part read)", line-1)
		}
		b, restB, okB := bytes.Cut(new, []byte("\n"))
		if !bytes.Equal(a, b) || okA != okB {
			out := fmt.Sprintf("\nfirst difference at line %d:", line)
			if len(old) > 0 {
				out += "\n-" + shorten(a)
			}
			if len(new) > 0 {
				out += "\n+" + shorten(b)
			}
			return out
		}
		if !okA {
			return ""
		}
		old, new, line = restA, restB, line+1
	}
}

func shorten(b []byte) string {
	if len(b) > maxShownLine {
		return strings.ToValidUTF8(string(b[:maxShownLine]), "") + "…"
	}
	return string(b)
}

// onlyCertificates reports whether content is one or more PEM
// CERTIFICATE blocks and nothing else but whitespace.
func onlyCertificates(content []byte) bool {
	rest := bytes.TrimSpace(content)
	if len(rest) == 0 {
		return false
	}
	for len(rest) > 0 {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil || b.Type != "CERTIFICATE" {
			return false
		}
		rest = bytes.TrimSpace(rest)
	}
	return true
}

// splitLines splits s into lines that keep their "\n". A last line
// without one is marked as git marks it, so that a change of the final
// newline alone shows in the diff.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	last := len(lines) - 1
	if lines[last] == "" {
		return lines[:last]
	}
	lines[last] += "\n\\ No newline at end of file\n"
	return lines
}

// countLines counts the lines added and removed between a and b.
func countLines(a, b []string) (added, removed int) {
	for _, op := range difflib.NewMatcher(a, b).GetOpCodes() {
		switch op.Tag {
		case 'r':
			added, removed = added+op.J2-op.J1, removed+op.I2-op.I1
		case 'd':
			removed += op.I2 - op.I1
		case 'i':
			added += op.J2 - op.J1
		}
	}
	return added, removed
}

// isBinary reports whether b is not UTF-8 text (or holds NUL bytes).
func isBinary(b []byte) bool {
	return !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0
}

// sizes renders "<old> bytes -> <new> bytes" for content that must not be
// shown: not digests, since a sha256 of a weak secret can be guessed
// offline from a plan pasted into a pull request.
func sizes(exists bool, oldSize int64, new []byte) string {
	from := "(none)"
	if exists {
		from = fmt.Sprintf("%d bytes", oldSize)
	}
	return fmt.Sprintf("%s -> %d bytes", from, len(new))
}

// digests renders "sha256 <old> -> <new>", with "(none)" for a missing file.
func digests(cur steps.FileDigest, new []byte) string {
	from := "(none)"
	if cur.Exists {
		from = cur.SHA256
	}
	return fmt.Sprintf("sha256 %s -> %s", from, sha256Hex(new))
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
