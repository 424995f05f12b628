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
		{"one write over", []string{"abcdefg"}, "abcde\n[mend: output truncated: only the first 5 bytes were kept, 2 more bytes were dropped]\n"},
		{"writes after full", []string{"abc", "def", "gh"}, "abcde\n[mend: output truncated: only the first 5 bytes were kept, 3 more bytes were dropped]\n"},
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

// TestExecCapsOutput runs a command that prints 100 bytes more than 8 MiB
// on stdout and on stderr: Exec keeps 8 MiB of each and says how much it
// kept and dropped.
func TestExecCapsOutput(t *testing.T) {
	const cap8 = 8 << 20
	res, err := Host{}.Exec(context.Background(), steps.ExecRequest{
		Command: fmt.Sprintf("head -c %d /dev/zero; head -c %d /dev/zero >&2", cap8+100, cap8+100)})
	if err != nil {
		t.Fatalf("Exec: %v", err)
	}
	note := "\n[mend: output truncated: only the first 8388608 bytes were kept, 100 more bytes were dropped]\n"
	for name, out := range map[string][]byte{"stdout": res.Stdout, "stderr": res.Stderr} {
		if len(out) != cap8+len(note) || !strings.HasSuffix(string(out), note) {
			t.Errorf("%s is %d bytes ending %q, want %d bytes ending %q", name, len(out), out[max(len(out)-60, 0):], cap8+len(note), note)
		}
	}
}
