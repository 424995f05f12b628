package runbooks

import "testing"

func TestCommentBefore(t *testing.T) {
	src := `variable "x" { type = string }

# 1. The symptom,
#    as reported.
#
# Second paragraph.
diagnose "command" "a" {
  command = "true"
}
# not this one: a blank line follows

// slashes
repair "command" "b" {
  command = "true"
}
diagnose "command" "c" { # trailing comments are not descriptions
  command = "true"
}
`
	rb, diags := Load("t.mend.hcl", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for i, want := range []string{"1. The symptom, as reported.\nSecond paragraph.", "slashes", ""} {
		if got := rb.CommentBefore(rb.Steps[i].DeclRange); got != want {
			t.Errorf("step %d: CommentBefore = %q, want %q", i, got, want)
		}
	}
}
