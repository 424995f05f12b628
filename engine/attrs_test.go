package engine_test

import (
	"context"
	"strings"
	"testing"
)

// A var one host lacks fails at run time with the attributes the object
// has (the validator cannot know the inventory's vars).
func TestRuntimeUnsupportedAttributeListsAttributes(t *testing.T) {
	req, _ := setup(t, `
diagnose "sh" "vars" {
  on      = ["a"]
  command = "echo ${host.vars.data_dir}"
}
`, nil)
	run, err := newEngine(&memAudit{}).Plan(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	msg := run.Steps[0].Hosts[0].Error
	want := `This object does not have an attribute named "data_dir". It has no attributes.`
	if !strings.Contains(msg, want) {
		t.Errorf("error %q lacks %q", msg, want)
	}
}
