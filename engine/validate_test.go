package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/internal/markers"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// The language fixtures live with the language (runbooks/testdata): valid
// runbooks, and invalid ones with the expected diagnostics written on the
// offending lines. They are checked here because checking a runbook
// fully needs step types, which only the engine knows (Validate); the
// fake step types below declare schemas and outputs like real ones.
const langFixtures = "../runbooks/testdata"

// TestInvalidRunbooks loads each invalid fixture and checks that the
// diagnostics are exactly those written on the offending lines.
func TestInvalidRunbooks(t *testing.T) {
	reg := langRegistry()
	for _, file := range markers.Files(t, langFixtures+"/invalid/*.mend.hcl") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want := markers.Want(t, src)
			if len(want) == 0 {
				t.Fatal("fixture has no ERROR markers")
			}
			_, diags := load(file, src, reg)
			if diff := cmp.Diff(want, markers.Got(t, file, diags)); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s\nfull:\n%s", diff, markers.Render(diags, file, src))
			}
		})
	}
}

// TestValidRunbooks loads each valid fixture: no diagnostics at all.
func TestValidRunbooks(t *testing.T) {
	reg := langRegistry()
	for _, file := range markers.Files(t, langFixtures+"/valid/*.mend.hcl") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			rb, diags := loadFile(file, reg)
			if len(diags) > 0 {
				src, _ := os.ReadFile(file)
				t.Fatalf("unexpected diagnostics:\n%s", markers.Render(diags, file, src))
			}
			if len(rb.Steps) == 0 {
				t.Error("no steps decoded")
			}
			// As mend validate without -var: variables without a value
			// are unknown, and what uses them is checked at plan time.
			vars, _ := rb.EvalVarOptions(nil, nil)
			req := engine.Request{Runbook: rb, Vars: vars}
			if diags := engine.Preflight(req, reg, engine.PreflightOptions{InventoryOptional: true}); len(diags) > 0 {
				src, _ := os.ReadFile(file)
				t.Fatalf("pre-flight without variable values:\n%s", markers.Render(diags, file, src))
			}
		})
	}
}

// TestDiagnosticDetails checks the wording users act on: suggestions and
// the instructions in Details.
func TestDiagnosticDetails(t *testing.T) {
	tests := []struct {
		name, src, summary, detail string
	}{
		{"unknown type suggests", `diagnose "comand" "x" {}`, "Unknown step type", `Did you mean "command"?`},
		{"type of the other phase", `diagnose "file" "x" {}`, "Unknown step type", `"file" is a repair type; use a repair block`},
		{"unsupported config argument", `diagnose "command" "x" { commnd = "true" }`, "Unsupported argument", `Did you mean "command"?`},
		{"unsupported output attribute", "diagnose \"command\" \"a\" { command = \"true\" }\ndiagnose \"command\" \"b\" { command = diagnose.command.a.exit }",
			"Unsupported attribute", `diagnose.command.a has no attribute named "exit". Its attributes are "exit_code", "hosts", "stderr" and "stdout".`},
		{"undeclared variable", "variable \"master\" {}\ndiagnose \"command\" \"x\" { command = var.mastre }",
			"Reference to undeclared input variable", `Did you mean "master"?`},
		{"later step names where", "diagnose \"command\" \"a\" { command = diagnose.command.b.stdout }\ndiagnose \"command\" \"b\" { command = \"true\" }",
			"Reference to a later step", "declared after this one (at t.mend.hcl:2,1-23)"},
		{"on_failure suggests", `diagnose "command" "x" {
  command    = "true"
  on_failure = "contineu"
}`, "Invalid on_failure value", `Did you mean "continue"?`},
		{"dangerous repair", `repair "etcd_restore" "x" {
  snapshot = "/s"
  data_dir = "/d"
}`, "Missing approval gate", `Repair type "etcd_restore" is dangerous`},
		{"unknown root", `diagnose "command" "x" { command = diagnoze.command.y.stdout }`, "Unknown variable", `Did you mean "diagnose"?`},
		{"unsupported attribute of a per-host entry", "diagnose \"command\" \"a\" {\n  on      = [\"x\"]\n  command = \"true\"\n}\ndiagnose \"command\" \"b\" {\n  on      = [\"x\"]\n  command = diagnose.command.a.hosts[host.name].stdot\n}",
			"Unsupported attribute", `Its attributes are "exit_code", "outcome", "stderr", "stdout".`},
		{"unknown function", `diagnose "command" "x" { command = lowerr("A") }`, "Call to unknown function", `Did you mean "lower"?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := load("t.mend.hcl", []byte(tt.src), langRegistry())
			var details []string
			for _, d := range diags {
				if d.Summary == tt.summary {
					details = append(details, d.Detail)
				}
			}
			if len(details) != 1 || !strings.Contains(details[0], tt.detail) {
				t.Errorf("want one %q diagnostic whose detail contains\n  %s\ngot %d: %q\nall: %s", tt.summary, tt.detail, len(details), details, diags)
			}
		})
	}
}

// TestBadStepTypeDefinition: a step type whose config claims a
// meta-argument (here `timeout`) is reported, not silently starved.
func TestBadStepTypeDefinition(t *testing.T) {
	type probeConfig struct {
		Endpoint string `hcl:"endpoint"`
		Timeout  string `hcl:"timeout,optional"`
	}
	reg := steps.NewRegistry([]steps.Diagnoser{langDiagnoser{"tls_probe", func() any { return new(probeConfig) }, cty.EmptyObject}}, nil)
	_, diags := load("t.mend.hcl", []byte("diagnose \"tls_probe\" \"p\" {\n  endpoint = \"etcd-01:2379\"\n  timeout  = \"10s\"\n}\n"), reg)
	if len(diags) != 1 || diags[0].Summary != "Invalid step type definition" || !strings.Contains(diags[0].Detail, `declares "timeout"`) {
		t.Errorf("got %v", diags)
	}
}

// Fake step types for the language tests. They declare schemas and output
// types like real ones but never run: the language package never executes.

type commandConfig struct {
	Command    string `hcl:"command"`
	ExpectExit []int  `hcl:"expect_exit,optional"`
}

var commandOutput = cty.Object(map[string]cty.Type{
	"exit_code": cty.Number,
	"stdout":    cty.String,
	"stderr":    cty.String,
})

type langDiagnoser struct {
	name      string
	newConfig func() any
	output    cty.Type
}

func (f langDiagnoser) Name() string     { return f.name }
func (f langDiagnoser) NewConfig() any   { return f.newConfig() }
func (f langDiagnoser) Output() cty.Type { return f.output }

// Hostless: the fixtures predate the host check, so every fake type runs
// without `on` except "remote", which stands for the types that need one.
func (f langDiagnoser) Hostless() bool { return f.name != "remote" }
func (langDiagnoser) Diagnose(context.Context, steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	panic("validation must not run steps")
}

type langRepairer struct {
	langDiagnoser
	dangerous bool
}

func (f langRepairer) Dangerous() bool { return f.dangerous }
func (langRepairer) Plan(context.Context, steps.PlanRequest) (steps.PlanResponse, error) {
	panic("validation must not run steps")
}
func (langRepairer) Apply(context.Context, steps.ApplyRequest) (steps.ApplyResponse, error) {
	panic("validation must not run steps")
}

var (
	_ steps.Diagnoser = langDiagnoser{}
	_ steps.Repairer  = langRepairer{}
)

type endpoint struct {
	Host string `cty:"host"`
	Path string `cty:"path"`
}

type x509CompareConfig struct {
	A endpoint `hcl:"a"`
	B endpoint `hcl:"b"`
}

var certInfo = cty.Object(map[string]cty.Type{"pem": cty.String, "fingerprint": cty.String})

type fileConfig struct {
	Path    string `hcl:"path"`
	Content string `hcl:"content"`
	Mode    string `hcl:"mode,optional"`
	Backup  bool   `hcl:"backup,optional"`
}

type restoreConfig struct {
	Snapshot string `hcl:"snapshot"`
	DataDir  string `hcl:"data_dir"`
}

// waitUntilConfig keeps a nested check and its condition unevaluated, as
// the real wait_until does: they see self.
type waitUntilConfig struct {
	Until    hcl.Expression `hcl:"until"`
	Deadline string         `hcl:"deadline"`
	Check    checkBlock     `hcl:"check,block"`
}

type checkBlock struct {
	Type string   `hcl:"type,label"`
	Body hcl.Body `hcl:",remain"`
}

type httpCheckConfig struct {
	URL     string            `hcl:"url"`
	Headers map[string]string `hcl:"headers,optional"`
	Extra   cty.Value         `hcl:"extra,optional"`
	Match   []matchBlock      `hcl:"match,block"`
}

type matchBlock struct {
	Status int    `hcl:"status"`
	Body   string `hcl:"body,optional"`
}

func langRegistry() *steps.Registry {
	command := langDiagnoser{"command", func() any { return new(commandConfig) }, commandOutput}
	return steps.NewRegistry(
		[]steps.Diagnoser{
			command,
			langDiagnoser{"remote", func() any { return new(commandConfig) }, commandOutput},
			langDiagnoser{"x509_compare", func() any { return new(x509CompareConfig) },
				cty.Object(map[string]cty.Type{"same": cty.Bool, "a": certInfo, "b": certInfo})},
			langDiagnoser{"wait_until", func() any { return new(waitUntilConfig) },
				cty.Object(map[string]cty.Type{"attempts": cty.Number})},
			langDiagnoser{"http_check", func() any { return new(httpCheckConfig) },
				cty.Object(map[string]cty.Type{"status": cty.Number, "body": cty.String})},
		},
		[]steps.Repairer{
			langRepairer{langDiagnoser: command},
			langRepairer{langDiagnoser: langDiagnoser{"file", func() any { return new(fileConfig) },
				cty.Object(map[string]cty.Type{"sha256": cty.String})}},
			langRepairer{langDiagnoser: langDiagnoser{"etcd_restore", func() any { return new(restoreConfig) },
				cty.Object(map[string]cty.Type{"revision": cty.Number})}, dangerous: true},
		},
	)
}
