package runbooks

import (
	"context"

	"github.com/hashicorp/hcl/v2"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

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

type fakeDiagnoser struct {
	name      string
	newConfig func() any
	output    cty.Type
}

func (f fakeDiagnoser) Name() string     { return f.name }
func (f fakeDiagnoser) NewConfig() any   { return f.newConfig() }
func (f fakeDiagnoser) Output() cty.Type { return f.output }

// Hostless: the fixtures predate the host check, so every fake type runs
// without `on` except "remote", which stands for the types that need one.
func (f fakeDiagnoser) Hostless() bool { return f.name != "remote" }
func (fakeDiagnoser) Diagnose(context.Context, steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	panic("the language package must not run steps")
}

type fakeRepairer struct {
	fakeDiagnoser
	dangerous bool
}

func (f fakeRepairer) Dangerous() bool { return f.dangerous }
func (fakeRepairer) Plan(context.Context, steps.PlanRequest) (steps.PlanResponse, error) {
	panic("the language package must not run steps")
}
func (fakeRepairer) Apply(context.Context, steps.ApplyRequest) (steps.ApplyResponse, error) {
	panic("the language package must not run steps")
}

var (
	_ steps.Diagnoser = fakeDiagnoser{}
	_ steps.Repairer  = fakeRepairer{}
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

func testRegistry() *steps.Registry {
	command := fakeDiagnoser{"command", func() any { return new(commandConfig) }, commandOutput}
	return steps.NewRegistry(
		[]steps.Diagnoser{
			command,
			fakeDiagnoser{"remote", func() any { return new(commandConfig) }, commandOutput},
			fakeDiagnoser{"x509_compare", func() any { return new(x509CompareConfig) },
				cty.Object(map[string]cty.Type{"same": cty.Bool, "a": certInfo, "b": certInfo})},
			fakeDiagnoser{"wait_until", func() any { return new(waitUntilConfig) },
				cty.Object(map[string]cty.Type{"attempts": cty.Number})},
			fakeDiagnoser{"http_check", func() any { return new(httpCheckConfig) },
				cty.Object(map[string]cty.Type{"status": cty.Number, "body": cty.String})},
		},
		[]steps.Repairer{
			fakeRepairer{fakeDiagnoser: command},
			fakeRepairer{fakeDiagnoser: fakeDiagnoser{"file", func() any { return new(fileConfig) },
				cty.Object(map[string]cty.Type{"sha256": cty.String})}},
			fakeRepairer{fakeDiagnoser: fakeDiagnoser{"etcd_restore", func() any { return new(restoreConfig) },
				cty.Object(map[string]cty.Type{"revision": cty.Number})}, dangerous: true},
		},
	)
}
