package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/engine"
)

// `on` known only at run time: the reference to a top-level attribute of
// a step on two hosts fails the step that makes it, naming the hosts,
// instead of reading null (or whichever host answered).
const severalHostsAtRunTime = `
diagnose "sh" "names" {
  on      = ["a"]
  command = "echo a,b"
}

diagnose "sh" "both" {
  on      = split(",", diagnose.sh.names.stdout)
  command = "echo ${host.name}"
}

diagnose "sh" "use" {
  on      = ["a"]
  command = "echo ${diagnose.sh.both.stdout}"
}
`

func TestTopLevelAttributeOfStepOnSeveralHosts(t *testing.T) {
	req, _ := setup(t, severalHostsAtRunTime, nil)
	if diags := engine.Preflight(req, testRegistry(), engine.PreflightOptions{}); diags.HasErrors() {
		t.Fatalf("Preflight cannot know these targets, want no error: %s", diags.Error())
	}
	run, err := newEngine(&memAudit{}).Plan(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"diagnose.sh.names ok", "diagnose.sh.both ok", "diagnose.sh.use failed"}
	if d := cmp.Diff(want, statuses(run)); d != "" {
		t.Fatalf("statuses (-want +got):\n%s", d)
	}
	msg := run.Steps[2].Hosts[0].Error
	for _, part := range []string{"Reference to a step on several hosts", "diagnose.sh.both runs on 2 hosts (a, b)", `diagnose.sh.both.hosts["a"].stdout`} {
		if !strings.Contains(msg, part) {
			t.Errorf("error %q lacks %q", msg, part)
		}
	}
}

// A step on one host keeps its top-level attributes, even when its `on`
// is a group or list resolved at run time.
func TestTopLevelAttributeOfStepOnOneHost(t *testing.T) {
	src := strings.Replace(severalHostsAtRunTime, `"echo a,b"`, `"echo b"`, 1)
	src = strings.Replace(src, `command = "echo ${diagnose.sh.both.stdout}"`, `command = "test ${diagnose.sh.both.stdout} = b"`, 1)
	req, _ := setup(t, src, nil)
	run, err := newEngine(&memAudit{}).Plan(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"diagnose.sh.names ok", "diagnose.sh.both ok", "diagnose.sh.use ok"}
	if d := cmp.Diff(want, statuses(run)); d != "" {
		t.Errorf("statuses (-want +got):\n%s", d)
	}
}
