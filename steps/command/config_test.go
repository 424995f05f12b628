package command

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mend-sh/mend/steps"
)

func TestValidateConfig(t *testing.T) {
	tests := []struct {
		name    string
		typ     steps.Validator
		config  any
		wantErr string // "" means valid
	}{
		{"diagnose valid", Diagnose{}, &DiagnoseConfig{Command: "true", ExpectExit: []int{0, 255}}, ""},
		{"diagnose empty command", Diagnose{}, &DiagnoseConfig{Command: "  \n"}, "command must not be empty"},
		{"diagnose exit code too big", Diagnose{}, &DiagnoseConfig{Command: "true", ExpectExit: []int{256}}, "expect_exit: 256 is not an exit status (0 to 255)"},
		{"diagnose negative exit code", Diagnose{}, &DiagnoseConfig{Command: "true", ExpectExit: []int{-1}}, "expect_exit: -1 is not an exit status (0 to 255)"},
		{"diagnose wrong config type", Diagnose{}, &RepairConfig{Command: "true"}, "step config is *command.RepairConfig, want *command.DiagnoseConfig (a bug in mend: please report it)"},
		{"repair valid", Repair{}, &RepairConfig{Command: "true", Creates: "/var/lib/x", Unless: "false"}, ""},
		{"repair relative creates", Repair{}, &RepairConfig{Command: "true", Creates: "var/lib/x"}, `creates must be an absolute path, got "var/lib/x"`},
		{"repair blank unless", Repair{}, &RepairConfig{Command: "true", Unless: " "}, "unless must be a command, got only spaces"},
		{"repair empty command", Repair{}, &RepairConfig{Command: ""}, "command must not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.typ.ValidateConfig(tt.config)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Errorf("ValidateConfig = %q, want %q", got, tt.wantErr)
			}
			if err != nil && steps.Classify(err) != steps.ClassConfig && steps.Classify(err) != steps.ClassInternal {
				t.Errorf("Classify = %q, want config or internal", steps.Classify(err))
			}
		})
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
