package ssh

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps"
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
	want := "abcde\n[mend: output truncated: only the first 5 bytes were kept, 4 more bytes were dropped]\n"
	if diff := cmp.Diff(want, string(b.Bytes())); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseRead(t *testing.T) {
	tests := []struct {
		name string
		out  string
		want steps.File
	}{
		{"setuid", "present 4755 0 4 root adm\nbody\n",
			steps.File{Path: "/x", Exists: true, Content: []byte("body\n"), Mode: 0o755 | fs.ModeSetuid, Owner: "root", Group: "adm"}},
		{"setgid and sticky", "present 3770 0 0 root root\n",
			steps.File{Path: "/x", Exists: true, Content: []byte{}, Mode: 0o770 | fs.ModeSetgid | fs.ModeSticky, Owner: "root", Group: "root"}},
		{"ids without names", "present 644 4242 4343 UNKNOWN UNKNOWN\nx",
			steps.File{Path: "/x", Exists: true, Content: []byte("x"), Mode: 0o644, Owner: "4242", Group: "4343"}},
		{"absent", "absent\n", steps.File{Path: "/x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseRead("/x", []byte(tt.out))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseRead (-want +got):\n%s", diff)
			}
		})
	}
	for _, bad := range []string{"garbage", "present 644 root adm\n", "present 17777 0 0 root root\n"} {
		if _, err := parseRead("/x", []byte(bad)); err == nil {
			t.Errorf("parseRead accepted %q", bad)
		}
	}
}

func TestModeRoundTrip(t *testing.T) {
	for _, unix := range []uint32{0, 0o644, 0o4755, 0o2750, 0o1777, 0o7777} {
		if got := unixMode(fileMode(unix)); got != unix {
			t.Errorf("unixMode(fileMode(%04o)) = %04o", unix, got)
		}
	}
	if got := unixMode(fs.ModeDir | fs.ModeSetuid | 0o755); got != 0o4755 {
		t.Errorf("unixMode ignores type bits: got %04o, want 4755", got)
	}
}
