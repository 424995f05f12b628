package logsearch

import (
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/steps/stepstest"
)

func TestLineTime(t *testing.T) {
	now := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		line, want, rest string
	}{
		{"2026-12-05T09:00:01.5+01:00 x", "2026-12-05T08:00:01.5Z", " x"},
		{"2026-12-05T09:00:01.123456+0000 h app: m", "2026-12-05T09:00:01.123456Z", " h app: m"},
		{"2026/12/05 09:00:01 [error] 12#0: m", "2026-12-05T09:00:01Z", " [error] 12#0: m"},
		{"2026-12-05 09:00:01,250 ERROR m", "2026-12-05T09:00:01.25Z", " ERROR m"},
		{"Jan  1 23:59:59 h sshd[1]: m", "2026-01-01T23:59:59Z", " h sshd[1]: m"},
		{"Dec 31 23:59:59 h m", "2025-12-31T23:59:59Z", " h m"}, // syslog has no year: not in the future
		{`10.0.0.1 - - [05/Dec/2026:09:00:01 +0000] "GET /" 500`, "2026-12-05T09:00:01Z", `10.0.0.1 - -  "GET /" 500`},
		{"no time here 12:00", "", "no time here 12:00"},
	} {
		at, rest, ok := lineTime(tc.line, now)
		got := ""
		if ok {
			got = at.Format(time.RFC3339Nano)
		}
		if got != tc.want || rest != tc.rest {
			t.Errorf("lineTime(%q) = %q, %q; want %q, %q", tc.line, got, rest, tc.want, tc.rest)
		}
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"write chunk-12 failed (id=0x1f, req deadbeef42)": "write chunk-<n> failed (id=<hex>, req <hex>)",
		"conn  from 10.0.0.1:5432   closed":               "conn from <n>.<n>.<n>.<n>:<n> closed",
		"added a decade ago":                              "added a decade ago",
	} {
		if got := mask(in); got != want {
			t.Errorf("mask(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDecodeConfig: the arguments as a runbook gives them, decoded and
// validated as the engine does.
func TestDecodeConfig(t *testing.T) {
	refused := func(msg string) []string { return []string{"1:1: Invalid step argument; log_search: " + msg} }
	stepstest.DecodeTable(t, []stepstest.DecodeCase{
		{Name: "file", Type: Type{}, Src: "pattern = \"x\"\npath = \"/var/log/a\"\n", Want: &Config{Pattern: "x", Path: "/var/log/a"}},
		{Name: "journal", Type: Type{}, Src: "pattern = \"x\"\nunit = \"nginx.service\"\nsince = \"1h\"\n",
			Want: &Config{Pattern: "x", Unit: "nginx.service", Since: "1h"}},
		{Name: "pattern is required", Type: Type{}, Src: `path = "/a"`,
			WantDiags: []string{`1:1: Missing required argument; The argument "pattern" is required`}},
		{Name: "empty pattern", Type: Type{}, Src: "pattern = \"\"\npath = \"/a\"\n", WantDiags: refused("pattern must not be empty")},
		{Name: "pattern not a regexp", Type: Type{}, Src: "pattern = \"(\"\npath = \"/a\"\n",
			WantDiags: refused("pattern is not a POSIX extended regular expression (as grep -E takes): error parsing regexp: missing closing ): `(`")},
		{Name: "nothing to search", Type: Type{}, Src: `pattern = "x"`,
			WantDiags: refused("set path (a log file) or unit / journal_file (the journal)")},
		{Name: "file and journal", Type: Type{}, Src: "pattern = \"x\"\npath = \"/a\"\nunit = \"u\"\n",
			WantDiags: refused("search a file (path, rotated) or the journal (unit, journal_file), not both")},
		{Name: "relative path", Type: Type{}, Src: "pattern = \"x\"\npath = \"a\"\n",
			WantDiags: refused(`path must be an absolute path, got "a"`)},
		{Name: "bad since", Type: Type{}, Src: "pattern = \"x\"\npath = \"/a\"\nsince = \"yesterday\"\n",
			WantDiags: refused(`since must be a duration back from now ("1h") or an RFC 3339 time ("2026-12-05T09:00:00Z"), got "yesterday"`)},
		{Name: "max_bytes too small", Type: Type{}, Src: "pattern = \"x\"\npath = \"/a\"\nmax_bytes = 10\n",
			WantDiags: refused("max_bytes must be from 1024 to 1073741824, got 10")},
	}, stepstest.ConfigRefusals)
}

// TestAnalyseUnseen: matches the host counted but did not send are
// counted when the oldest sent one is in the window, not otherwise.
func TestAnalyseUnseen(t *testing.T) {
	r := raw{first: "2026-12-05T08:00:00Z m", lines: []string{"2026-12-05T09:00:00Z m", "2026-12-05T09:01:00Z m"}, count: 10,
		now: time.Date(2026, 12, 5, 9, 2, 0, 0, time.UTC).Unix()}
	s, _ := (&Config{Pattern: "m", Path: "/a"}).Check()
	if a := analyse(r, s, true); a.count != 10 || a.first.line != r.first || !strings.Contains(strings.Join(a.notes, ""), "last 2 of 10") {
		t.Errorf("no window: count %d first %q notes %q", a.count, a.first.line, a.notes)
	}
	s, _ = (&Config{Pattern: "m", Path: "/a", Since: "90s"}).Check()
	if a := analyse(r, s, true); a.count != 1 || a.first.line != r.lines[1] {
		t.Errorf("since 90s: count %d first %q", a.count, a.first.line)
	}
}
