package hostscript

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestText(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"short", "abc", 10, "abc"},
		{"invalid UTF-8", "a\xffb", 10, "a\uFFFDb"},
		{"cut on a rune boundary", "aé", 2, "a…"},
		{"cut exactly", "abcdef", 3, "abc…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Text([]byte(tc.in), tc.max); got != tc.want {
				t.Errorf("Text(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
		})
	}
}

func TestFields(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		n    int
		want []string
	}{
		{"rest keeps spaces", "tmpfs  tmpfs 10 /mnt/a b  c", 4, []string{"tmpfs", "tmpfs", "10", "/mnt/a b  c"}},
		{"too few", "a b", 4, []string{"a", "b"}},
		{"leading blanks", "   1 2", 2, []string{"1", "2"}},
		{"empty", "", 3, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, f := range Fields([]byte(tc.in), tc.n) {
				got = append(got, string(f))
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("Fields(%q) (-want +got):\n%s", tc.in, d)
			}
		})
	}
}

func TestLines(t *testing.T) {
	lines, more := Lines([]byte("a\nb\nc"), 2)
	if len(lines) != 2 || !more {
		t.Errorf("Lines = %q, %v; want 2 lines and more", lines, more)
	}
	lines, more = Lines([]byte("a\nb\n"), 2)
	if len(lines) != 2 || more {
		t.Errorf("Lines = %q, %v; want 2 lines, no more", lines, more)
	}
}

func TestBytes(t *testing.T) {
	got := []string{Bytes(0), Bytes(1023), Bytes(4096), Bytes(3 << 29)}
	want := []string{"0 B", "1023 B", "4.0 KiB", "1.5 GiB"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
