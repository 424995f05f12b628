package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/engine"
)

const incidentLike = `
runbook {
  title = "test"
}

variable "token" {
  type      = string
  sensitive = true
}

diagnose "sh" "current" {
  on      = ["a"]
  command = "cat %DIR%/ca.pem"
}

repair "danger_write" "install" {
  on      = ["a"]
  when    = diagnose.sh.current.stdout != "good"
  path    = "%DIR%/ca.pem"
  content = "good"
  approval {
    reason = "replaces the CA"
  }
}

diagnose "sh" "after" {
  on      = ["a"]
  command = "cat %DIR%/ca.pem; echo ${var.token} >/dev/null"
  expect {
    condition = self.stdout == "good"
    message   = "the CA was not installed"
  }
}
`

func statuses(r *engine.Run) []string {
	var out []string
	for _, s := range r.Steps {
		out = append(out, s.Address+" "+string(s.Status))
	}
	return out
}

func TestPlanChangesNothingAndDefersLaterDiagnoses(t *testing.T) {
	req, dir := setup(t, incidentLike, map[string]string{"token": "s3cret-token"})
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, []byte("bad"), 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(ca)
	a := &memAudit{}
	run, err := newEngine(a).Plan(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"diagnose.sh.current ok",
		"repair.danger_write.install change",
		"diagnose.sh.after deferred",
	}
	if d := cmp.Diff(want, statuses(run)); d != "" {
		t.Errorf("statuses (-want +got):\n%s", d)
	}
	after, _ := os.Stat(ca)
	got, _ := os.ReadFile(ca)
	if string(got) != "bad" || !after.ModTime().Equal(before.ModTime()) || after.Mode() != before.Mode() {
		t.Errorf("plan changed the file: content %q mtime %v -> %v", got, before.ModTime(), after.ModTime())
	}
	if !run.Pending() {
		t.Error("Pending() = false, want true")
	}
	if p := run.Steps[1].Hosts[0].Preview; p == nil || !strings.Contains(p.Diff, "+good") {
		t.Errorf("preview = %+v, want a diff adding good", p)
	}
}

func TestApplyWithoutApprovalStopsAtGate(t *testing.T) {
	req, dir := setup(t, incidentLike, map[string]string{"token": "s3cret-token"})
	ca := filepath.Join(dir, "ca.pem")
	os.WriteFile(ca, []byte("bad"), 0o600)
	a := &memAudit{}
	run, err := newEngine(a).Apply(context.Background(), req) // no approver
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"diagnose.sh.current ok",
		"repair.danger_write.install refused",
		"diagnose.sh.after not-run",
	}
	if d := cmp.Diff(want, statuses(run)); d != "" {
		t.Errorf("statuses (-want +got):\n%s", d)
	}
	if got, _ := os.ReadFile(ca); string(got) != "bad" {
		t.Errorf("file changed to %q without approval", got)
	}
	if d := cmp.Diff([]string{"repair.danger_write.install"}, run.NotDone()); d != "" {
		t.Errorf("NotDone (-want +got):\n%s", d)
	}
	if !run.Failed() {
		t.Error("Failed() = false for a refused gate")
	}
	if !contains(a.events(), "approval_refused repair.danger_write.install refused") {
		t.Errorf("audit events lack the refusal: %q", a.events())
	}
}

func TestApplyWithApprovalChangesAndVerifies(t *testing.T) {
	req, dir := setup(t, incidentLike, map[string]string{"token": "s3cret-token"})
	ca := filepath.Join(dir, "ca.pem")
	os.WriteFile(ca, []byte("bad"), 0o600)
	a := &memAudit{}
	g := &grant{allow: map[string]bool{"repair.danger_write.install": true}}
	req.Approver = g
	run, err := newEngine(a).Apply(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"diagnose.sh.current ok",
		"repair.danger_write.install changed",
		"diagnose.sh.after ok",
	}
	if d := cmp.Diff(want, statuses(run)); d != "" {
		t.Errorf("statuses (-want +got):\n%s", d)
	}
	if got, _ := os.ReadFile(ca); string(got) != "good" {
		t.Errorf("file = %q, want good", got)
	}
	wantEvents := []string{
		"run_start",
		"step_start diagnose.sh.current a",
		"step_finish diagnose.sh.current a ok",
		"approval_granted repair.danger_write.install ok",
		"step_start repair.danger_write.install a",
		"step_finish repair.danger_write.install a changed",
		"step_start diagnose.sh.after a",
		"step_finish diagnose.sh.after a ok",
		"run_end ok",
	}
	if d := cmp.Diff(wantEvents, a.events()); d != "" {
		t.Errorf("audit events (-want +got):\n%s", d)
	}
	for _, r := range a.recs {
		if strings.Contains(r.Command+r.Preview+r.OutputExcerpt+r.Error, "s3cret-token") {
			t.Errorf("secret in audit record %+v", r)
		}
	}
	// A second apply has nothing to do: the gate is not even asked.
	g.asked = nil
	run, _ = newEngine(&memAudit{}).Apply(context.Background(), req)
	if run.Steps[1].Status != engine.StatusSkipped || len(g.asked) != 0 {
		t.Errorf("second apply: install %s, gates asked %q; want skipped, none", run.Steps[1].Status, g.asked)
	}
}

// TestAuditFullMidRunMeansNoRepair: the disk fills up after the
// diagnoses were recorded; the repair's intent cannot be written, so the
// repair does not run and the run stops.
func TestAuditFullMidRunMeansNoRepair(t *testing.T) {
	req, dir := setup(t, incidentLike, map[string]string{"token": "s3cret-token"})
	ca := filepath.Join(dir, "ca.pem")
	os.WriteFile(ca, []byte("bad"), 0o600)
	a := &memAudit{failAfter: 4} // run_start, diagnose start+finish, approval
	req.Approver = &grant{allow: map[string]bool{"repair.danger_write.install": true}}
	run, err := newEngine(a).Apply(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got := statuses(run); got[1] != "repair.danger_write.install failed" || got[2] != "diagnose.sh.after not-run" {
		t.Errorf("statuses = %q", got)
	}
	if h := run.Steps[1].Hosts[0]; !strings.Contains(h.Error, "no space left on device") || !strings.Contains(h.Error, "not run (fail closed)") {
		t.Errorf("install error = %q", h.Error)
	}
	if got, _ := os.ReadFile(ca); string(got) != "bad" {
		t.Errorf("file changed to %q although its intent was not recorded", got)
	}
}

func TestAuditFailureMeansNoRepair(t *testing.T) {
	req, dir := setup(t, incidentLike, map[string]string{"token": "s3cret-token"})
	ca := filepath.Join(dir, "ca.pem")
	os.WriteFile(ca, []byte("bad"), 0o600)
	a := &memAudit{fail: true}
	req.Approver = &grant{allow: map[string]bool{"repair.danger_write.install": true}}
	run, err := newEngine(a).Apply(context.Background(), req)
	if err == nil && !run.Failed() {
		t.Fatal("apply with a failing audit log succeeded")
	}
	if got, _ := os.ReadFile(ca); string(got) != "bad" {
		t.Errorf("file changed to %q although the audit log could not be written", got)
	}
}

func TestFanOutSerialWhenRetryTimeout(t *testing.T) {
	src := `
diagnose "sh" "both" {
  on      = ["web"]
  command = "echo ${host.name}"
}
diagnose "sh" "only_b" {
  on      = ["web"]
  when    = host.name == "b"
  command = "echo b-only"
}
diagnose "sh" "flaky" {
  on      = ["a"]
  command = "n=$(cat %DIR%/count 2>/dev/null || echo 0); n=$((n+1)); echo $n > %DIR%/count; test $n -ge 3"
  retry {
    attempts = 3
    delay    = "10ms"
  }
}
diagnose "sh" "slow" {
  on         = ["a"]
  timeout    = "300ms"
  on_failure = "continue"
  command    = "sleep 30"
}
diagnose "sh" "uses" {
  command = "echo ${diagnose.sh.both.hosts["b"].stdout}"
  on      = ["a"]
}
`
	req, _ := setup(t, src, nil)
	start := time.Now()
	run, err := newEngine(&memAudit{}).Apply(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Errorf("run took %v; the timeout did not stop sleep 30", el)
	}
	want := []string{
		"diagnose.sh.both ok",
		"diagnose.sh.only_b ok",
		"diagnose.sh.flaky ok",
		"diagnose.sh.slow failed",
		"diagnose.sh.uses ok",
	}
	if d := cmp.Diff(want, statuses(run)); d != "" {
		t.Errorf("statuses (-want +got):\n%s", d)
	}
	if got := run.Steps[1].Hosts[0].Status; got != engine.StatusSkipped {
		t.Errorf("only_b on a = %s, want skipped", got)
	}
	if got := run.Steps[2].Hosts[0].Attempts; got != 3 {
		t.Errorf("flaky attempts = %d, want 3", got)
	}
	if got := run.Steps[3].Hosts[0].ErrorClass; got != "timeout" {
		t.Errorf("slow error class = %q, want timeout", got)
	}
	if got := run.Steps[4].Hosts[0].Summary; got != "exit 0" {
		t.Errorf("uses summary = %q", got)
	}
}

func TestExpectFailureStopsRun(t *testing.T) {
	src := `
diagnose "sh" "check" {
  on      = ["a"]
  command = "echo no"
  expect {
    condition = self.stdout == "yes"
    message   = "expected yes, escalate"
  }
}
repair "write" "never" {
  on      = ["a"]
  path    = "%DIR%/never"
  content = "x"
}
`
	req, dir := setup(t, src, nil)
	run, _ := newEngine(&memAudit{}).Apply(context.Background(), req)
	want := []string{"diagnose.sh.check failed", "repair.write.never not-run"}
	if d := cmp.Diff(want, statuses(run)); d != "" {
		t.Errorf("statuses (-want +got):\n%s", d)
	}
	if h := run.Steps[0].Hosts[0]; h.ErrorClass != "expectation" || !strings.Contains(h.Error, "expected yes, escalate") {
		t.Errorf("check: %s %q", h.ErrorClass, h.Error)
	}
	if _, err := os.Stat(filepath.Join(dir, "never")); err == nil {
		t.Error("repair ran after a failed expectation")
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
