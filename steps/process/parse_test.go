package process

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps"
)

func TestParseStat(t *testing.T) {
	tail := " S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 4242 20 21"
	for _, tc := range []struct {
		name, line string
		want       stat
		ok         bool
	}{
		{"plain", "12 (nginx)" + tail, stat{"S", 4242}, true},
		{"name with ) and spaces", "12 (a) b (c)" + tail, stat{"S", 4242}, true},
		{"cut short", "12 (x) S 1 2", stat{}, false},
		{"no parenthesis", "garbage", stat{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseStat(tc.line)
			if ok != tc.ok || got != tc.want {
				t.Errorf("parseStat = %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestParseListSkipsItself(t *testing.T) {
	out := "mend-self 50\n1\tinit\n50\tsh\n51\tps\n60\tnginx\n" +
		"mend-proc-list\n    1     0 /sbin/init\n   50    40 sh -c ...\n   51    50 ps -e\n   60     1 nginx: master process\n   70    40 sudo sh -c echo mend-proc-list\nnot a line\n"
	got, err := parseList([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	want := []listed{{1, 0, "init", "/sbin/init"}, {60, 1, "nginx", "nginx: master process"}}
	if d := cmp.Diff(want, got, cmp.AllowUnexported(listed{})); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if _, err := parseList([]byte("hello")); steps.Classify(err) != steps.ClassStep {
		t.Errorf("parseList(garbage) = %v", err)
	}
}

func TestValidateConfig(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Name: "nginx"}, ""},
		{Config{}, "process: set name (the exact process name) or pattern (a regular expression on the command line)"},
		{Config{Name: "a", Pattern: "b"}, "process: set name or pattern, not both"},
		{Config{Name: "a-very-long-process-name"}, `process: name "a-very-long-process-name" is longer than the 15 bytes the kernel keeps; use pattern to match the command line`},
		{Config{Pattern: "("}, "process: pattern is not a regular expression (RE2 syntax): error parsing regexp: missing closing ): `(`"},
		{Config{Name: "x", Max: 1000}, "process: max must be from 1 to 200, got 1000"},
	} {
		err := Type{}.ValidateConfig(&tc.cfg)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("ValidateConfig(%+v) = %q, want %q", tc.cfg, got, tc.want)
		}
	}
}
