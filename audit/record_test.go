package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestExcerpt(t *testing.T) {
	long := []byte(strings.Repeat("a", 3000) + "END")
	for _, tc := range []struct {
		name       string
		in         []byte
		whole      bool   // excerpt is the input itself
		wantMarker string // substring that marks truncation
		prefix     string
		suffix     string
	}{
		{name: "empty", in: nil, whole: true},
		{name: "fits exactly", in: bytes.Repeat([]byte("x"), ExcerptMax), whole: true},
		{name: "one byte over", in: bytes.Repeat([]byte("x"), ExcerptMax+1), wantMarker: "[... 49 bytes omitted ...]"},
		{name: "keeps head and tail", in: append([]byte("START"), long...), wantMarker: "bytes omitted", prefix: "START", suffix: "aEND"},
		{name: "two-byte runes not split", in: []byte(strings.Repeat("é", 3000)), wantMarker: "bytes omitted", prefix: "éé", suffix: "éé"},
		{name: "invalid bytes in long output", in: bytes.Repeat([]byte{0xff}, 5000), wantMarker: "bytes omitted", prefix: "\uFFFD"},
		{name: "invalid bytes in short output", in: bytes.Repeat([]byte{0xff}, 1000), prefix: "\uFFFD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sha, ex := Excerpt(tc.in)
			sum := sha256.Sum256(tc.in)
			if sha != hex.EncodeToString(sum[:]) {
				t.Errorf("sha = %s, want the sha256 of the whole input", sha)
			}
			if len(ex) > ExcerptMax || !utf8.ValidString(ex) {
				t.Errorf("excerpt is %d bytes (max %d), valid UTF-8 %v", len(ex), ExcerptMax, utf8.ValidString(ex))
			}
			if tc.whole && ex != string(tc.in) {
				t.Errorf("excerpt of output that fits was changed: %d bytes", len(ex))
			}
			if !strings.Contains(ex, tc.wantMarker) || !strings.HasPrefix(ex, tc.prefix) || !strings.HasSuffix(ex, tc.suffix) {
				t.Errorf("excerpt = %.80q...%q, want marker %q, prefix %q, suffix %q", ex, ex[max(0, len(ex)-40):], tc.wantMarker, tc.prefix, tc.suffix)
			}
		})
	}
}

func TestExcerptOmittedCountIsExact(t *testing.T) {
	in := []byte(fmt.Sprintf("%05000d", 7))
	_, ex := Excerpt(in)
	head, rest, _ := strings.Cut(ex, "\n[... ")
	n, tail, _ := strings.Cut(rest, " bytes omitted ...]\n")
	if fmt.Sprint(len(in)-len(head)-len(tail)) != n {
		t.Errorf("marker says %s bytes omitted; head %d + tail %d of %d", n, len(head), len(tail), len(in))
	}
}
