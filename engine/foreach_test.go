package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/engine"
)

const forEachRunbook = `
variable "files" {
  type    = map(string)
  default = { one = "1", two = "2", three = "3" }
}

diagnose "sh" "read" {
  for_each = var.files
  on       = ["a"]
  command  = "cat %DIR%/${each.key} 2>/dev/null || echo missing"
}

repair "write" "fix" {
  for_each = { for k, d in diagnose.sh.read : k => var.files[k] if d.stdout != var.files[k] }
  on       = ["a"]
  path     = "%DIR%/${each.key}"
  content  = each.value
  approval {
    reason = "writes ${each.key}"
  }
}

diagnose "sh" "summary" {
  on      = ["a"]
  command = "echo ${diagnose.sh.read["two"].stdout} ${length(repair.write.fix)}"
}
`

func TestForEachPlanAndApply(t *testing.T) {
	req, dir := setup(t, forEachRunbook, nil)
	if err := os.WriteFile(filepath.Join(dir, "two"), []byte("2"), 0o600); err != nil {
		t.Fatal(err)
	}
	run, err := newEngine(&memAudit{}).Plan(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`diagnose.sh.read["one"] ok`,
		`diagnose.sh.read["three"] ok`,
		`diagnose.sh.read["two"] ok`,
		`repair.write.fix["one"] change`,
		`repair.write.fix["three"] change`,
		`diagnose.sh.summary deferred`,
	}
	if d := cmp.Diff(want, statuses(run)); d != "" {
		t.Fatalf("plan statuses (-want +got):\n%s", d)
	}
	if k := run.Steps[3].Key; k == nil || *k != "one" || run.Steps[3].Approval != "writes one" {
		t.Errorf("instance key/reason: %v %q", k, run.Steps[3].Approval)
	}

	a := &memAudit{}
	g := &blockGrant{allow: map[string]bool{`repair.write.fix["three"]`: true}}
	req.Approver = g
	run, err = newEngine(a).Apply(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	// One gate per instance, each with its block; refusing "one" stops
	// the run before "three".
	if d := cmp.Diff([]string{`repair.write.fix["one"] (repair.write.fix)`}, g.asked); d != "" {
		t.Errorf("gates asked (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{`repair.write.fix["one"]`, `repair.write.fix["three"]`}, run.NotDone()); d != "" {
		t.Errorf("not done (-want +got):\n%s", d)
	}

	g = &blockGrant{allow: map[string]bool{"repair.write.fix": true}}
	req.Approver = g
	a = &memAudit{}
	run, err = newEngine(a).Apply(context.Background(), req)
	if err != nil || run.Failed() {
		t.Fatalf("apply: %v %s", err, run.Err)
	}
	if d := cmp.Diff([]string{`repair.write.fix["one"] (repair.write.fix)`, `repair.write.fix["three"] (repair.write.fix)`}, g.asked); d != "" {
		t.Errorf("gates asked (-want +got):\n%s", d)
	}
	for k, v := range map[string]string{"one": "1", "two": "2", "three": "3"} {
		if got, _ := os.ReadFile(filepath.Join(dir, k)); string(got) != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	last := run.Steps[len(run.Steps)-1]
	if last.Hosts[0].OutputExcerpt != "2 2" {
		t.Errorf("summary output %q, want the instance value and the count of repair instances", last.Hosts[0].OutputExcerpt)
	}
	var audited []string
	for _, e := range a.events() {
		if len(e) > 9 && e[:9] == "approval_" {
			audited = append(audited, e)
		}
	}
	if len(audited) != 2 || audited[0] != `approval_granted repair.write.fix["one"] ok` {
		t.Errorf("approval records: %q in %q", audited, a.events())
	}
}

// blockGrant approves a gate when its address or its block's is allowed,
// as --approve does, and records the gates asked.
type blockGrant struct {
	allow map[string]bool
	asked []string
}

func (g *blockGrant) Approve(ctx context.Context, gate engine.Gate) (engine.Decision, error) {
	g.asked = append(g.asked, gate.Address+" ("+gate.Block+")")
	ok := g.allow[gate.Address] || g.allow[gate.Block]
	return engine.Decision{Granted: ok, By: "test", Reason: "test refused"}, nil
}

func TestForEachEmptyAndErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"empty", `
diagnose "sh" "x" {
  for_each = toset([])
  on       = ["a"]
  command  = "true"
}
diagnose "sh" "y" {
  on      = ["a"]
  command = "echo ${length(diagnose.sh.x)}"
}`, []string{"diagnose.sh.x skipped", "diagnose.sh.y ok"}},
		{"null at run time", `
variable "v" {
  type    = map(string)
  default = null
}
diagnose "sh" "x" {
  for_each = var.v
  on       = ["a"]
  command  = "true"
}`, []string{"diagnose.sh.x failed"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := setup(t, tc.src, nil)
			run, err := newEngine(&memAudit{}).Plan(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, statuses(run)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}
