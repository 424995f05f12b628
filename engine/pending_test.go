package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A plan defers only the diagnoses that depend on a pending change: those
// that refer to the pending repair, and those on the host it would change
// (issue 8.6: every diagnosis after the first pending repair was deferred,
// so a dry run never said which other hosts were still at risk).
const pendingRunbook = `
repair "write" "fix_a" {
  on      = ["a"]
  path    = "%DIR%/a.conf"
  content = "fixed"
}

diagnose "sh" "on_b" {
  on      = ["b"]
  command = "echo b"
}

diagnose "sh" "on_a" {
  on      = ["a"]
  command = "cat %DIR%/a.conf"
}

diagnose "sh" "on_both" {
  on      = ["a", "b"]
  command = "echo ${host.name}"
}

diagnose "sh" "uses_fix" {
  on      = ["b"]
  command = "echo ${repair.write.fix_a.changed}"
}

diagnose "sh" "uses_deferred" {
  on      = ["b"]
  command = "echo ${diagnose.sh.on_a.stdout}"
}

diagnose "sh" "forced" {
  on      = ["a"]
  plan    = "run"
  command = "cat %DIR%/a.conf"
}
`

func TestPlanDefersOnlyWhatDependsOnAPendingChange(t *testing.T) {
	req, dir := setup(t, pendingRunbook, nil)
	if err := os.WriteFile(filepath.Join(dir, "a.conf"), []byte("broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	run, err := newEngine(&memAudit{}).Plan(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"repair.write.fix_a change",
		"diagnose.sh.on_b ok",
		"diagnose.sh.on_a deferred",
		"diagnose.sh.on_both deferred",
		"diagnose.sh.uses_fix deferred",
		"diagnose.sh.uses_deferred deferred",
		"diagnose.sh.forced ok",
	}
	if d := cmp.Diff(want, statuses(run)); d != "" {
		t.Fatalf("statuses (-want +got):\n%s", d)
	}
	hostStatus := map[string]string{}
	for _, h := range run.Steps[3].Hosts {
		hostStatus[h.Host] = string(h.Status) + ": " + h.Summary
	}
	if !strings.HasPrefix(hostStatus["b"], "ok") || hostStatus["a"] != "deferred: runs after repair.write.fix_a, which would change a; known at apply" {
		t.Errorf("on_both per host: %q", hostStatus)
	}
	for i, reason := range map[int]string{
		2: "runs after repair.write.fix_a, which would change a; known at apply",
		4: "uses repair.write.fix_a, which would change something; known at apply",
		5: "uses diagnose.sh.on_a, which is deferred; known at apply",
		6: `runs in plan (plan = "run") although it runs after repair.write.fix_a, which would change a`,
	} {
		got := run.Steps[i].Reason
		if i == 2 {
			got = run.Steps[i].Hosts[0].Summary
		}
		if got != reason {
			t.Errorf("%s: %q, want %q", run.Steps[i].Address, got, reason)
		}
	}
	if out := run.Steps[6].Hosts[0].OutputExcerpt; out != "broken" {
		t.Errorf("plan = \"run\" read %q, want the file as it is before the repair", out)
	}
}

// A repair previewed after an earlier pending repair on the same host says
// that its preview may change at apply (issue 8.6: a puppet run warned the
// agent was disabled although the repair before it enables the agent);
// one on another host does not.
func TestPreviewCaveatAfterPendingRepairOnSameHost(t *testing.T) {
	req, _ := setup(t, `
repair "write" "first" {
  on      = ["a"]
  path    = "%DIR%/one"
  content = "x"
}

repair "write" "second" {
  on      = ["a", "b"]
  path    = "%DIR%/two-${host.name}"
  content = "y"
}
`, nil)
	run, err := newEngine(&memAudit{}).Plan(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	details := map[string][]string{}
	for _, h := range run.Steps[1].Hosts {
		details[h.Host] = h.Details
	}
	want := map[string][]string{
		"a": {"preview of the host as it is now: repair.write.first, pending before this, may change what it reports at apply"},
		"b": nil,
	}
	if d := cmp.Diff(want, details); d != "" {
		t.Errorf("details (-want +got):\n%s", d)
	}
	if len(run.Steps[0].Hosts[0].Details) != 0 {
		t.Errorf("the first repair has a caveat: %q", run.Steps[0].Hosts[0].Details)
	}
}

// A pending repair of a cluster-wide type (etcd_maintain runs on one host
// and changes the cluster every member sees) defers every later diagnosis
// on every host, not only on its own: the lab's NOSPACE runbook checked
// etcd's health from the other members in plan, before the maintenance,
// and stopped on the alarm the maintenance clears.
func TestPlanDefersEverythingAfterAClusterWideChange(t *testing.T) {
	req, _ := setup(t, `
diagnose "sh" "before" {
  on      = ["b"]
  command = "echo before"
}

repair "cluster_write" "fix" {
  on      = ["a"]
  path    = "%DIR%/cluster"
  content = "fixed"
}

diagnose "sh" "after" {
  on      = ["a", "b"]
  command = "false"
}
`, nil)
	run, err := newEngine(&memAudit{}).Plan(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"diagnose.sh.before ok", "repair.cluster_write.fix change", "diagnose.sh.after deferred"}
	if d := cmp.Diff(want, statuses(run)); d != "" {
		t.Fatalf("statuses (-want +got):\n%s", d)
	}
	if got, want := run.Steps[2].Reason, "runs after repair.cluster_write.fix, which would change what every host of the cluster sees; known at apply"; got != want {
		t.Errorf("reason %q, want %q", got, want)
	}
}
