package local

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps"
)

func TestLimitedBuffer(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		want   string
	}{
		{"under the cap", []string{"ab", "cd"}, "abcd"},
		{"exactly the cap", []string{"abcde"}, "abcde"},
		{"one write over", []string{"abcdefg"}, "abcde\n[mend: output truncated: 2 more bytes not kept]\n"},
		{"writes after full", []string{"abc", "def", "gh"}, "abcde\n[mend: output truncated: 3 more bytes not kept]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := limitedBuffer{max: 5}
			for _, w := range tt.writes {
				if n, err := b.Write([]byte(w)); n != len(w) || err != nil {
					t.Fatalf("Write(%q) = %d, %v; want all of it accepted", w, n, err)
				}
			}
			if diff := cmp.Diff(tt.want, string(b.Bytes())); diff != "" {
				t.Errorf("Bytes (-want +got):\n%s", diff)
			}
		})
	}
}

// TestExecCapsOutput runs a command that prints 100 bytes more than
// MaxOutput: Exec keeps MaxOutput bytes and says how many it dropped.
func TestExecCapsOutput(t *testing.T) {
	res, err := Host{}.Exec(context.Background(), steps.ExecRequest{Command: fmt.Sprintf("head -c %d /dev/zero", MaxOutput+100)})
	if err != nil {
		t.Fatalf("Exec: %v", err)
	}
	note := "\n[mend: output truncated: 100 more bytes not kept]\n"
	if len(res.Stdout) != MaxOutput+len(note) || !strings.HasSuffix(string(res.Stdout), note) {
		t.Errorf("stdout is %d bytes ending %q, want %d bytes ending %q", len(res.Stdout), res.Stdout[max(len(res.Stdout)-60, 0):], MaxOutput+len(note), note)
	}
}
