package process

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
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

// TestDecodeConfig: the arguments as a runbook gives them, decoded and
// validated as the engine does.
func TestDecodeConfig(t *testing.T) {
	refused := func(msg string) []string { return []string{"1:1: Invalid step argument; process: " + msg} }
	stepstest.DecodeTable(t, []stepstest.DecodeCase{
		{Name: "name", Type: Type{}, Src: `name = "nginx"`, Want: &Config{Name: "nginx"}},
		{Name: "pattern and max", Type: Type{}, Src: "pattern = \"nginx: worker\"\nmax = 20\n", Want: &Config{Pattern: "nginx: worker", Max: 20}},
		{Name: "neither", Type: Type{}, Src: "",
			WantDiags: refused("set name (the exact process name) or pattern (a regular expression on the command line)")},
		{Name: "both", Type: Type{}, Src: "name = \"a\"\npattern = \"b\"\n", WantDiags: refused("set name or pattern, not both")},
		{Name: "name too long", Type: Type{}, Src: `name = "a-very-long-process-name"`,
			WantDiags: refused(`name "a-very-long-process-name" is longer than the 15 bytes the kernel keeps; use pattern to match the command line`)},
		{Name: "pattern not a regexp", Type: Type{}, Src: `pattern = "("`,
			WantDiags: refused("pattern is not a regular expression (RE2 syntax): error parsing regexp: missing closing ): `(`")},
		{Name: "max too big", Type: Type{}, Src: "name = \"x\"\nmax = 1000\n", WantDiags: refused("max must be from 1 to 200, got 1000")},
	}, stepstest.ConfigRefusals)
}
