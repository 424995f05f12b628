package stepstest

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// DescribeCase is one row of a describe table: a step block's own
// arguments as HCL and the description the step type must give.
type DescribeCase struct {
	Name string
	// Src is the step block's own arguments as HCL (see DecodeCase).
	Src string
	// Vars are the variables in scope by root name ("var"); a value with
	// a sensitive mark makes what derives from it sensitive. Roots not
	// given (diagnose, repair, host, self, each, var) are unknown.
	Vars map[string]cty.Value
	// Dir is the runbook directory of the step ("" : the test's).
	Dir  string
	Want steps.Description
}

// DescribeTable runs each case as a subtest: Src read with Args, then
// d.Describe compared with Want.
func DescribeTable(t *testing.T, d steps.Describer, cases []DescribeCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			got := d.Describe(Args(t, c.Src, c.Dir, c.Vars))
			if got.Summary != c.Want.Summary || !equalStrings(got.Details, c.Want.Details) {
				t.Errorf("Describe =\n  %q %q\nwant\n  %q %q", got.Summary, got.Details, c.Want.Summary, c.Want.Details)
			}
		})
	}
}

// Args reads src, a step block's own arguments, as the engine reads them
// for a Describer before a run (see DescribeCase.Vars).
func Args(t testing.TB, src, dir string, vars map[string]cty.Value) steps.Args {
	t.Helper()
	f, diags := hclsyntax.ParseConfig([]byte(src), SrcFile, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("parse: %s", diags)
	}
	scope := map[string]cty.Value{}
	for _, root := range []string{"var", "diagnose", "repair", "host", "self", "each", "local"} {
		scope[root] = cty.DynamicVal
	}
	for k, v := range vars {
		scope[k] = v
	}
	ctx := &hcl.EvalContext{Variables: scope}
	eval := func(expr hcl.Expression) (cty.Value, bool) {
		v, d := expr.Value(ctx)
		if d.HasErrors() {
			return cty.DynamicVal, false
		}
		sensitive := v.ContainsMarked()
		v, _ = v.UnmarkDeep()
		return v, sensitive
	}
	return steps.NewArgs(f.Body, []byte(src), dir, eval, nil)
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
