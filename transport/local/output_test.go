package local

import (
	"testing"

	"github.com/google/go-cmp/cmp"
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
