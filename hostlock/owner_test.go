package hostlock

import (
	"strings"
	"testing"
	"time"
)

func TestParseHostileOwner(t *testing.T) {
	huge := `{"run_id":"r1","operator":"` + strings.Repeat("a", MaxOwnerBytes) + `"}`
	long := `{"run_id":"r1","runbook":"` + strings.Repeat("é", 400) + `"}`
	cases := []struct {
		name, in, problem string
		check             func(Owner) bool
	}{
		{name: "huge", in: huge, problem: "larger than 4096 bytes"},
		{name: "not json", in: "\x1b]0;pwned\x07", problem: "not an owner"},
		{name: "no run", in: `{"operator":"alice"}`, problem: "names no run"},
		{name: "array", in: `[1,2]`, problem: "not an owner"},
		{name: "escapes kept as data", in: `{"run_id":"r\u001b[2J","operator":"\u202e evil","machine":"m\u0000"}`,
			check: func(o Owner) bool {
				return o.RunID == "r\x1b[2J" && o.Operator == "\u202e evil" && o.Machine == "m\x00"
			}},
		{name: "invalid utf-8", in: "{\"run_id\":\"r\xff\xfe\"}", check: func(o Owner) bool { return o.RunID == "r\uFFFD" || o.RunID == "r\uFFFD\uFFFD" }},
		{name: "long field cut", in: long, check: func(o Owner) bool {
			return len(o.Runbook) <= maxField+len("…") && strings.HasSuffix(o.Runbook, "…") && !strings.Contains(o.Runbook, "\uFFFD")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o, err := Parse([]byte(tc.in))
			if tc.problem != "" {
				if err == nil || !strings.Contains(err.Error(), tc.problem) {
					t.Fatalf("Parse = %+v, %v; want an error saying %q", o, err, tc.problem)
				}
				if len(err.Error()) > 2*maxField {
					t.Errorf("error of %d bytes", len(err.Error()))
				}
				return
			}
			if err != nil || !tc.check(o) {
				t.Fatalf("Parse = %+v, %v", o, err)
			}
		})
	}
}

func TestOwnerRoundTrip(t *testing.T) {
	o := Owner{RunID: "abc", Operator: "alice", Machine: "laptop", Runbook: "rb.mend.hcl",
		RunbookSHA256: strings.Repeat("ab", 32), Since: time.Date(2026, 12, 6, 1, 2, 3, 0, time.UTC)}
	got, err := Parse(o.encode())
	if err != nil || got != o {
		t.Fatalf("Parse(encode) = %+v, %v", got, err)
	}
	want := "run abc (operator alice, on laptop, runbook rb.mend.hcl (sha256 abababababab), since 2026-12-06T01:02:03Z)"
	if s := (Holder{Owner: o}).String(); s != want {
		t.Errorf("String = %q\nwant      %q", s, want)
	}
	if !strings.Contains(string(o.encode()), runIDMark("abc")) {
		t.Errorf("owner file %s lacks %s", o.encode(), runIDMark("abc"))
	}
}
