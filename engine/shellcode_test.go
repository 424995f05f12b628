package engine_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps/builtin"
)

// TestUnquotedShellValues (issue 7.3): validate warns at the line and
// column of each value put as is into an argument that runs as shell
// code, in every step type that has one (command's command and unless,
// a wait_until check's command, puppet_noop's command), whatever the
// value comes from (a variable, a step result, each, host, the
// inventory, a local holding one, a for expression over one), and only
// there: shellquote(), rawshell(), number and bool variables, values
// that only choose, constant or quoted locals and a command that is one
// variable as a whole are not warned about. Warnings do not make the
// runbook invalid.
func TestUnquotedShellValues(t *testing.T) {
	path := filepath.Join("testdata", "shellcode", "runbook.mend.hcl")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rb, diags := runbooks.Load(path, src)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	diags = engine.Validate(rb, builtin.Registry())
	if diags.HasErrors() {
		t.Fatalf("warnings only, got errors: %s", diags.Error())
	}
	want := []string{
		"40:33 var.unit in diagnose.command.unquoted_var's command",
		"65:21 diagnose.command.unquoted_var.stdout in diagnose.command.step_output's command",
		"65:71 var.unit in diagnose.command.step_output's command",
		"71:28 each.value in repair.command.each_and_host's command",
		"71:42 host.name in repair.command.each_and_host's command",
		"72:30 each.key in repair.command.each_and_host's unless",
		"77:21 local.unit_copy in repair.command.through_locals's command",
		"77:61 var.units in repair.command.through_locals's command",
		"35:36 var.unit in repair.command.local_is_the_command's command, which is local.full_cmd,",
		"90:38 var.unit in diagnose.wait_until.back's command",
		"96:52 inventory.hosts[\"puppet-1\"].address in diagnose.puppet_noop.noop's command",
	}
	got := shellWarnings(t, src, diags)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, d := range diags {
		if !strings.Contains(d.Detail, "Fix: wrap it in shellquote(") || !strings.Contains(d.Detail, "rawshell(") {
			t.Errorf("warning without the fix: %s", d.Detail)
		}
	}
	if d := diags[0].Detail; !strings.Contains(d, path+":40:33: ") || !strings.Contains(d, "shellquote(var.unit) or use args = [...]") {
		t.Errorf("first warning lacks its position or the args fix: %s", d)
	}
}

// shellWarnings renders each warning as "LINE:COL REFERENCE in WHAT".
func shellWarnings(t *testing.T, src []byte, diags hcl.Diagnostics) []string {
	t.Helper()
	var out []string
	for _, d := range diags {
		if d.Severity != hcl.DiagWarning || d.Summary != "Unquoted value in a shell command" {
			t.Errorf("unexpected diagnostic: %s: %s", d.Summary, d.Detail)
			continue
		}
		s := d.Subject
		_, what, _ := strings.Cut(d.Detail, ": ")
		what, _, _ = strings.Cut(what, " runs as shell code")
		out = append(out, fmt.Sprintf("%d:%d %s in %s", s.Start.Line, s.Start.Column, src[s.Start.Byte:s.End.Byte], what))
	}
	return out
}
