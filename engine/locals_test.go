package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const localsRunbook = `
variable "token" {
  type      = string
  sensitive = true
}

locals {
  names    = split(",", diagnose.sh.names.stdout)
  greeting = "hello ${local.names[1]}"
  auth     = "Bearer ${var.token}"
  bad      = jsondecode(diagnose.sh.names.stdout)
  uses_bad = local.bad.x
}

diagnose "sh" "names" {
  on      = ["a"]
  command = "echo a,b"
}

diagnose "sh" "use" {
  on      = local.names
  command = "echo ${local.greeting}"

  expect {
    condition = self.stdout == "hello b"
    message   = "got ${self.stdout}"
  }
}

diagnose "sh" "secret" {
  on         = ["a"]
  command    = "true"
  on_failure = "continue"

  expect {
    condition = false
    message   = "auth was ${local.auth}"
  }
}

diagnose "sh" "broken" {
  on      = ["a"]
  command = "echo ${local.uses_bad}"
}
`

// Locals over step results and secrets: a local's value follows the steps
// it uses, a secret stays redacted through it, and a local that fails
// fails the step that uses it with the local's own error.
func TestLocals(t *testing.T) {
	req, _ := setup(t, localsRunbook, map[string]string{"token": "s3cret-token"})
	run, err := newEngine(&memAudit{}).Apply(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"diagnose.sh.names ok", "diagnose.sh.use ok", "diagnose.sh.secret failed", "diagnose.sh.broken failed"}
	if d := cmp.Diff(want, statuses(run)); d != "" {
		t.Fatalf("statuses (-want +got):\n%s", d)
	}
	if n := len(run.Steps[1].Hosts); n != 2 {
		t.Errorf("on = local.names ran on %d hosts, want 2", n)
	}
	secret := run.Steps[2].Hosts[0].Error
	if strings.Contains(secret, "s3cret-token") || !strings.Contains(secret, "auth was") {
		t.Errorf("secret through a local not redacted: %q", secret)
	}
	broken := run.Steps[3].Hosts[0].Error
	if !strings.Contains(broken, "local.bad:") || !strings.Contains(broken, "jsondecode") {
		t.Errorf("error %q does not say local.bad failed in jsondecode", broken)
	}
}
