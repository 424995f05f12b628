package runbooks

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// TestImportsNoStepTypes: the language knows no step types (issue 6.1).
// What it needs of them it is told as data (Schemas); no mend step
// package may be among its dependencies.
func TestImportsNoStepTypes(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/mend-sh/mend/steps") {
			t.Errorf("runbooks depends on %s", dep)
		}
	}
}

// schemaMap is Schemas as plain data.
type schemaMap map[Phase]map[string]*StepSchema

func (m schemaMap) Lookup(p Phase, name string) *StepSchema { return m[p][name] }
func (m schemaMap) Names(p Phase) []string {
	var names []string
	for n := range m[p] {
		names = append(names, n)
	}
	return names
}

// TestCheckWithAndWithoutSchemas: without step types only the language's
// own rules apply; told a type's schema, Check also checks its arguments
// and the attributes of its result.
func TestCheckWithAndWithoutSchemas(t *testing.T) {
	const src = `
diagnose "command" "a" {
  command = "true"
  colour  = "red"
}
diagnose "command" "b" {
  command = diagnose.command.a.exit
  when    = diagnose.command.nope.stdout == ""
}
`
	rb, diags := Load("t.mend.hcl", []byte(src))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	summaries := func(s Schemas) []string {
		var got []string
		for _, d := range rb.Check(s) {
			got = append(got, d.Summary)
		}
		return got
	}
	if got := summaries(nil); len(got) != 1 || got[0] != "Reference to undeclared step" {
		t.Errorf("without schemas: %q, want only the undeclared step", got)
	}
	schemas := schemaMap{Diagnose: {"command": {
		Output: cty.Object(map[string]cty.Type{"exit_code": cty.Number}),
		Config: &BodySchema{Attributes: []AttributeSchema{{Name: "command", Required: true, Type: cty.String}}},
	}}}
	want := []string{"Unsupported argument", "Reference to undeclared step", "Unsupported attribute"}
	if got := summaries(schemas); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("with schemas: %q, want %q", got, want)
	}
}
