package runbooks

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/mend-sh/mend/internal/markers"

	"github.com/google/go-cmp/cmp"
)

func TestFormatFile(t *testing.T) {
	tests := []struct {
		name, in, want string
		errSummary     string
	}{
		{
			name: "aligns and indents",
			in:   "diagnose \"command\" \"x\" {\non = [\"a\"]\n    command=\"true\"\n  expect {\ncondition=true\n      message = \"ok\"\n}\n}\n",
			want: "diagnose \"command\" \"x\" {\n  on      = [\"a\"]\n  command = \"true\"\n  expect {\n    condition = true\n    message   = \"ok\"\n  }\n}\n",
		},
		{
			name: "already formatted is unchanged",
			in:   "variable \"v\" {\n  type = string\n}\n",
			want: "variable \"v\" {\n  type = string\n}\n",
		},
		{
			name:       "syntax error is refused",
			in:         "diagnose \"command\" \"x\" {\n  command = \n}\n",
			errSummary: "Invalid expression",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := FormatFile("t.mend.hcl", []byte(tt.in))
			if tt.errSummary != "" {
				if got != nil || len(diags) == 0 || diags[0].Summary != tt.errSummary {
					t.Fatalf("want nil and %q, got %q and %v", tt.errSummary, got, diags)
				}
				return
			}
			if len(diags) > 0 {
				t.Fatal(diags)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if again := Format(got); !bytes.Equal(again, got) {
				t.Errorf("formatting is not idempotent:\n%s", again)
			}
		})
	}
}

// TestValidFixturesAreFormatted keeps the fixtures in `mend fmt` layout,
// as the house style asks of every runbook we ship.
func TestValidFixturesAreFormatted(t *testing.T) {
	files := append(markers.Files(t, "testdata/valid/*.mend.hcl"), markers.Files(t, "testdata/inventory/valid/*.mend.hcl")...)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(src), string(Format(src))); diff != "" {
				t.Errorf("not formatted (-file +formatted):\n%s", diff)
			}
		})
	}
}
