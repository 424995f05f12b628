package command

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

// TestDecode decodes block bodies as the engine does (stepstest.Decode:
// gohcl, then ValidateConfig), to pin the argument names, types and rules.
func TestDecode(t *testing.T) {
	stepstest.DecodeTable(t, []stepstest.DecodeCase{
		{Name: "diagnose, all arguments", Type: Diagnose{},
			Src:  "command = \"etcdctl endpoint health -w json\"\nexpect_exit = [0, 1]\njson = true\nstdin = \"x\"\n",
			Want: &DiagnoseConfig{Command: "etcdctl endpoint health -w json", ExpectExit: []int{0, 1}, JSON: true, Stdin: "x"}},
		{Name: "diagnose, defaults", Type: Diagnose{}, Src: `command = "true"`, Want: &DiagnoseConfig{Command: "true"}},
		{Name: "diagnose, exit 255", Type: Diagnose{}, Src: "command = \"true\"\nexpect_exit = [0, 255]\n",
			Want: &DiagnoseConfig{Command: "true", ExpectExit: []int{0, 255}}},
		{Name: "diagnose has no creates", Type: Diagnose{}, Src: "command = \"x\"\ncreates = \"/b\"\n",
			WantDiags: []string{`2:1: Unsupported argument; An argument named "creates" is not expected here.`}},
		{Name: "diagnose empty command", Type: Diagnose{}, Src: `command = "  \n"`,
			WantDiags: []string{"1:11: Invalid step argument; command must not be empty"}},
		{Name: "diagnose exit code too big", Type: Diagnose{}, Src: "command = \"true\"\nexpect_exit = [256]\n",
			WantDiags: []string{"2:15: Invalid step argument; expect_exit: 256 is not an exit status (0 to 255)"}},
		{Name: "diagnose negative exit code", Type: Diagnose{}, Src: "command = \"true\"\nexpect_exit = [-1]\n",
			WantDiags: []string{"2:15: Invalid step argument; expect_exit: -1 is not an exit status (0 to 255)"}},
		{Name: "repair with guards", Type: Repair{},
			Src:  "command = \"mv a b\"\ncreates = \"/b\"\nunless = \"test -e /b\"\n",
			Want: &RepairConfig{Command: "mv a b", Creates: "/b", Unless: "test -e /b"}},
		{Name: "command is required", Type: Repair{}, Src: `creates = "/b"`,
			WantDiags: []string{"1:1: Invalid step argument; set command (a shell command line) or args (a program and its arguments, each passed as one word)"}},
		{Name: "repair relative creates", Type: Repair{}, Src: "command = \"true\"\ncreates = \"var/lib/x\"\n",
			WantDiags: []string{`1:1: Invalid step argument; creates must be an absolute path, got "var/lib/x"`}},
		{Name: "repair blank unless", Type: Repair{}, Src: "command = \"true\"\nunless = \" \"\n",
			WantDiags: []string{"1:1: Invalid step argument; unless must be a command, got only spaces"}},
		{Name: "repair blank command", Type: Repair{}, Src: `command = " "`,
			WantDiags: []string{"1:11: Invalid step argument; command must not be empty"}},
		{Name: "args", Type: Diagnose{}, Src: `args = ["etcdctl", "--endpoints", "a; b"]`,
			Want: &DiagnoseConfig{Args: []string{"etcdctl", "--endpoints", "a; b"}}},
		{Name: "command and args", Type: Repair{}, Src: "command = \"true\"\nargs = [\"true\"]\n",
			WantDiags: []string{"2:8: Invalid step argument; set command (a shell command line) or args (a program and its arguments), not both"}},
		{Name: "args without a program", Type: Diagnose{}, Src: `args = []`,
			WantDiags: []string{`1:8: Invalid step argument; args must start with the program to run, e.g. ["systemctl", "restart", var.unit]`}},
		{Name: "args with NUL", Type: Diagnose{}, Src: `args = ["echo", "a\u0000b"]`,
			WantDiags: []string{"1:8: Invalid step argument; args[1] holds a NUL byte, which no command line can carry"}},
	})
}

// TestValidateConfigClass: a refused argument is a config error, and a
// config of the wrong type an internal one (never a panic).
func TestValidateConfigClass(t *testing.T) {
	if err := (Repair{}).ValidateConfig(&RepairConfig{Command: ""}); steps.Classify(err) != steps.ClassConfig {
		t.Errorf("empty command: %v, class %q, want config", err, steps.Classify(err))
	}
	err := Diagnose{}.ValidateConfig(&RepairConfig{Command: "true"})
	want := "step config is *command.RepairConfig, want *command.DiagnoseConfig (a bug in mend: please report it)"
	if err == nil || err.Error() != want || steps.Classify(err) != steps.ClassInternal {
		t.Errorf("wrong config type: %v, want %q (internal)", err, want)
	}
}

func TestExpectExitDefaultsToZero(t *testing.T) {
	if got := (&DiagnoseConfig{Command: "x"}).spec().expect; len(got) != 1 || got[0] != 0 {
		t.Errorf("default expect_exit = %v, want [0]", got)
	}
}

func TestShownLines(t *testing.T) {
	for _, tc := range []struct {
		name, stdout string
		want         []string
	}{
		{"empty", "", []string{"| (no output)"}},
		{"two lines", "a\nb\n", []string{"| a", "| b"}},
		{"capped", strings.Repeat("x\n", ShowLines+3), append(slices.Repeat([]string{"| x"}, ShowLines), "| (3 more lines)")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, shownLines(tc.stdout)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}
