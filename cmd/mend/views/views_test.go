package views

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/steps"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// sampleRun is a plan with one of each kind of step.
func sampleRun(mode engine.Mode) *engine.Run {
	return &engine.Run{
		Mode: mode, RunID: "r1", Runbook: "ca.mend.hcl", RunbookSHA256: "0123456789abcdef0123", Title: "CA mismatch",
		Steps: []*engine.StepRun{
			{Address: "diagnose.x509_compare.ca", Phase: steps.Diagnose, Type: "x509_compare", Name: "ca", Status: engine.StatusOk,
				Hosts: []*engine.HostRun{{Status: engine.StatusOk, Summary: "different: same name, different key", Details: []string{"a sha256 AA:BB", "b sha256 CC:DD"}}}},
			{Address: "repair.file.install", Phase: steps.Repair, Type: "file", Name: "install", Status: engine.StatusChange, Approval: "replaces the CA",
				Hosts: []*engine.HostRun{{Host: "master", Status: engine.StatusChange, Summary: "update /etc/ca.pem (+1 -1 lines)",
					Preview: &steps.Preview{Summary: "update /etc/ca.pem (+1 -1 lines)", Changes: []string{"mode 0600 -> 0644"}, Diff: "--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n"}}}},
			{Address: "repair.command.restart", Phase: steps.Repair, Type: "command", Name: "restart", Status: engine.StatusUnknown,
				Hosts: []*engine.HostRun{{Host: "master", Status: engine.StatusUnknown, Summary: "known at apply: when depends on a value not known yet"}}},
			{Address: "diagnose.command.verify", Phase: steps.Diagnose, Type: "command", Name: "verify", Status: engine.StatusDeferred,
				Reason: "runs after repair.file.install, which would change something; known at apply"},
		},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s (-want +got):\n%s", name, d)
	}
}

func TestViewsGolden(t *testing.T) {
	var text, md, js bytes.Buffer
	Text{W: &text}.Run(sampleRun(engine.ModePlan))
	Markdown{W: &md}.Run(sampleRun(engine.ModePlan))
	if err := (JSON{W: &js}).Run(sampleRun(engine.ModePlan)); err != nil {
		t.Fatal(err)
	}
	golden(t, "plan.txt", text.Bytes())
	golden(t, "plan.md", md.Bytes())
	golden(t, "plan.json", js.Bytes())

	var doc map[string]any
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["format_version"] != FormatVersion || doc["pending_changes"] != true {
		t.Errorf("json: format_version %v, pending_changes %v", doc["format_version"], doc["pending_changes"])
	}
}

// TestTextColorOnlyWhenAsked: no escape codes unless Color is set.
func TestTextColorOnlyWhenAsked(t *testing.T) {
	var plain, color bytes.Buffer
	Text{W: &plain}.Run(sampleRun(engine.ModePlan))
	Text{W: &color, Color: true}.Run(sampleRun(engine.ModePlan))
	if bytes.Contains(plain.Bytes(), []byte("\x1b[")) {
		t.Error("plain output has ANSI escapes")
	}
	if !bytes.Contains(color.Bytes(), []byte("\x1b[")) {
		t.Error("coloured output has no ANSI escapes")
	}
}

// TestTextDeterministic: rendering the same run twice gives the same bytes.
func TestTextDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	Text{W: &a}.Run(sampleRun(engine.ModePlan))
	Text{W: &b}.Run(sampleRun(engine.ModePlan))
	if a.String() != b.String() {
		t.Error("two renderings differ")
	}
}

// TestMarkdownNeutralisesHostText: text from hosts cannot close a code
// fence or inject HTML into a pull-request comment.
func TestMarkdownNeutralisesHostText(t *testing.T) {
	r := sampleRun(engine.ModePlan)
	h := r.Steps[1].Hosts[0]
	h.Summary = `<img src=x onerror=alert(1)> | [link](http://x)`
	h.Preview.Diff = "+```\n+</details><script>x</script>\n"
	var md bytes.Buffer
	Markdown{W: &md}.Run(r)
	out := md.String()
	for _, bad := range []string{"<img", "<script>", "](http"} {
		if strings.Contains(out, bad) && !strings.Contains(out, "````diff") {
			t.Errorf("markdown contains %q unescaped:\n%s", bad, out)
		}
	}
	if strings.Contains(out, "<img") {
		t.Errorf("summary HTML not escaped:\n%s", out)
	}
	if !strings.Contains(out, "````diff\n+```\n+</details><script>x</script>\n````") {
		t.Errorf("diff not in a longer fence:\n%s", out)
	}
}
