package steps

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestShownLines(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		hidden     bool
		want       []string
	}{
		{"empty", "", false, []string{"| (no output)"}},
		{"two lines", "a\nb\n", false, []string{"| a", "| b"}},
		{"capped", strings.Repeat("x\n", ShowLines+3), false, append(slices.Repeat([]string{"| x"}, ShowLines), "| (3 more lines)")},
		{"secret", "-----BEGIN PRIVATE KEY-----\n", true, []string{"| " + HiddenText}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, ShownLines(tc.text, tc.hidden)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}
