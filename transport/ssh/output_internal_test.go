package ssh

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPgidFilter(t *testing.T) {
	const m = "mend-pgid-ab:"
	tests := []struct {
		name     string
		writes   []string
		wantOut  string
		wantPgid int
	}{
		{"marker first", []string{m + "123\nerr\n"}, "err\n", 123},
		{"marker split across writes", []string{"mend-pg", "id-ab:4", "56\nrest"}, "rest", 456},
		{"login noise before marker", []string{"motd line\n" + m + "7\n"}, "motd line\n", 7},
		{"no marker", []string{"sudo: a password is required\n"}, "sudo: a password is required\n", 0},
		{"marker text later is kept", []string{m + "9\n" + m + "10\n"}, m + "10\n", 9},
		{"long line without newline gives up", []string{strings.Repeat("x", 5000)}, strings.Repeat("x", 5000), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newPgidFilter(m, &limitedBuffer{max: 1 << 20})
			for _, w := range tt.writes {
				f.Write([]byte(w))
			}
			f.flush()
			if diff := cmp.Diff(tt.wantOut, string(f.out.Bytes())); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
			got := 0
			select {
			case got = <-f.pgid:
			default:
			}
			if got != tt.wantPgid || f.found() != (tt.wantPgid != 0) {
				t.Errorf("pgid = %d (found %v), want %d", got, f.found(), tt.wantPgid)
			}
		})
	}
}

func TestLimitedBuffer(t *testing.T) {
	b := &limitedBuffer{max: 5}
	for _, w := range []string{"abc", "defg", "hi"} {
		if n, err := b.Write([]byte(w)); n != len(w) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", w, n, err)
		}
	}
	want := "abcde\n[mend: output truncated: 4 more bytes not kept]\n"
	if diff := cmp.Diff(want, string(b.Bytes())); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseRead(t *testing.T) {
	f, err := parseRead("/x", []byte("present 4755 root adm\nbody\n"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Mode != 0o755 || f.Owner != "root" || f.Group != "adm" || string(f.Content) != "body\n" || !f.Exists {
		t.Errorf("parseRead = %+v", f)
	}
	if _, err := parseRead("/x", []byte("garbage")); err == nil {
		t.Error("parseRead accepted garbage")
	}
}
