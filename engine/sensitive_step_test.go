package engine_test

import (
	"context"
	"strings"
	"testing"
)

// sensitive = true on a step: its output is a secret wherever it, or a
// value derived from it, would show (a later step's message, its own
// expect message), as a sensitive variable's is.
func TestSensitiveStep(t *testing.T) {
	for _, sensitive := range []bool{true, false} {
		src := `
diagnose "sh" "token" {
  on        = ["a"]
  command   = "echo tok-9f8e7d6c5b"
  sensitive = ` + map[bool]string{true: "true", false: "false"}[sensitive] + `

  expect {
    condition = self.stdout == "nope"
    message   = "own ${self.stdout}"
  }
  on_failure = "continue"
}

diagnose "sh" "use" {
  on         = ["a"]
  command    = "true"
  on_failure = "continue"

  expect {
    condition = false
    message   = "later ${upper(diagnose.sh.token.stdout)}"
  }
}
`
		req, _ := setup(t, src, nil)
		run, err := newEngine(&memAudit{}).Apply(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		own, later := run.Steps[0].Hosts[0].Error, run.Steps[1].Hosts[0].Error
		leaked := strings.Contains(own, "tok-9f8e7d6c5b") || strings.Contains(later, "TOK-9F8E7D6C5B")
		if leaked == sensitive {
			t.Errorf("sensitive = %v: errors %q, %q", sensitive, own, later)
		}
	}
}
