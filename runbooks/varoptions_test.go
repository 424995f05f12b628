package runbooks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// -var options: one not NAME=VALUE is an error naming it; values for
// undeclared variables from a shared var file are one warning counting
// the others.
func TestEvalVarOptions(t *testing.T) {
	rb, diags := Load("vars.mend.hcl", []byte(varsRunbook))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	vf := filepath.Join(t.TempDir(), "lab.vars.hcl")
	if err := os.WriteFile(vf, []byte("master = \"k8s\"\nother1 = 1\nother2 = 2\nother3 = 3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	vals, diags := rb.EvalVarOptions([]string{"replicas=3", "oops"}, []string{vf})
	var got []string
	for _, d := range diags {
		got = append(got, d.Summary+": "+d.Detail)
	}
	if len(got) != 2 || got[0] != `Invalid -var option: The option -var "oops" is not of the form NAME=VALUE.` ||
		!strings.HasPrefix(got[1], `Value for undeclared variable: A value was given for "other1"`) ||
		!strings.HasSuffix(got[1], " 2 more values in the same files are for variables this runbook does not declare either.") {
		t.Fatalf("diagnostics:\n%s", strings.Join(got, "\n"))
	}
	if vals["master"].AsString() != "k8s" || !vals["replicas"].RawEquals(cty.NumberIntVal(3)) {
		t.Errorf("values %#v", vals)
	}
}
