package runbooks

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// stepSummary is what decoding a step block produced, without ranges.
type stepSummary struct {
	Address   string
	TypeName  string
	On, When  bool
	Timeout   time.Duration
	Retry     string
	OnFailure OnFailure
	Serial    int
	Approval  string
	Expects   int
}

func summarize(s *Step) stepSummary {
	sum := stepSummary{
		Address: s.Address(), On: s.On != nil, When: s.When != nil, Timeout: s.Timeout,
		OnFailure: s.OnFailure, Serial: s.Serial, Expects: len(s.Expects),
	}
	if s.StepType != nil {
		sum.TypeName = s.StepType.Name()
	}
	if s.Retry != nil {
		sum.Retry = s.Retry.Delay.String() + " x" + strings.Repeat("I", s.Retry.Attempts)
	}
	if s.Approval != nil {
		sum.Approval = s.Approval.Reason
	}
	return sum
}

func TestLoadDecodesBlocks(t *testing.T) {
	const file = "testdata/valid/incident.mend.hcl"
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rb, diags := Load(file, src, testRegistry())
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	sum := sha256.Sum256(src)
	if rb.SHA256 != hex.EncodeToString(sum[:]) || rb.Files[file] == nil || rb.Filename != file {
		t.Errorf("SHA256/Files/Filename not set: %q %v %q", rb.SHA256, rb.Files, rb.Filename)
	}
	if rb.Title != "kube-apiserver cannot reach etcd" || !strings.HasPrefix(rb.Description, "Prove CA trust") {
		t.Errorf("runbook block: %q, %q", rb.Title, rb.Description)
	}

	var vars []string
	for _, v := range rb.Variables {
		def := "required"
		if !v.Required() {
			def = v.Default.GoString()
		}
		vars = append(vars, strings.Join([]string{v.Name, typeexpr.TypeString(v.Type), def,
			map[bool]string{true: "sensitive", false: "-"}[v.Sensitive], strings.Repeat("V", len(v.Validations))}, " "))
	}
	wantVars := []string{
		"master string required - ",
		`etcd list(string) cty.ListVal([]cty.Value{cty.StringVal("etcd-01"), cty.StringVal("etcd-02"), cty.StringVal("etcd-03")}) - V`,
		`token string cty.StringVal("s3cret") sensitive `,
	}
	if diff := cmp.Diff(wantVars, vars); diff != "" {
		t.Errorf("variables (-want +got):\n%s", diff)
	}

	var got []stepSummary
	for _, s := range rb.Steps {
		got = append(got, summarize(s))
	}
	want := []stepSummary{
		{Address: "diagnose.command.etcd_health", TypeName: "command", On: true, Timeout: 10 * time.Second,
			Retry: "2s xIII", OnFailure: OnFailureContinue, Serial: 1, Expects: 1},
		{Address: "diagnose.x509_compare.trusted_vs_etcd_ca", TypeName: "x509_compare", OnFailure: OnFailureStop, Expects: 1},
		{Address: "repair.file.install_etcd_ca", TypeName: "file", On: true, When: true, OnFailure: OnFailureStop,
			Approval: "Replaces the CA that puppet and kube-apiserver trust"},
		{Address: "diagnose.command.members", TypeName: "command", On: true, When: true, OnFailure: OnFailureStop},
		{Address: "repair.etcd_restore.from_snapshot", TypeName: "etcd_restore", On: true, When: true, Timeout: 5 * time.Minute,
			OnFailure: OnFailureStop, Approval: "Replaces etcd's data directory; the old one is moved aside, never deleted.", Expects: 1},
		{Address: "diagnose.wait_until.healthy_again", TypeName: "wait_until", On: true, OnFailure: OnFailureStop},
		{Address: "diagnose.http_check.apiserver", TypeName: "http_check", OnFailure: OnFailureStop},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
	if rb.Step("repair.file.install_etcd_ca") != rb.Steps[2] || rb.Step("repair.file.nope") != nil {
		t.Error("Step(addr) does not find steps by address")
	}
}

// TestConfigExcludesMetaArguments decodes a step's Config with gohcl, as
// the engine does: the meta-arguments must not be in it.
func TestConfigExcludesMetaArguments(t *testing.T) {
	rb, diags := LoadFile("testdata/valid/incident.mend.hcl", testRegistry())
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var cfg commandConfig
	if d := gohcl.DecodeBody(rb.Steps[0].Config, nil, &cfg); d.HasErrors() {
		t.Fatalf("decoding the config of %s: %s", rb.Steps[0].Address(), d)
	}
	want := commandConfig{Command: "etcdctl endpoint health --cluster", ExpectExit: []int{0, 1}}
	if diff := cmp.Diff(want, cfg); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
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
		{"unknown function", `diagnose "command" "x" { command = lowr("A") }`, "Call to unknown function", `Did you mean "lower"?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := Load("t.mend.hcl", []byte(tt.src), testRegistry())
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

func TestStepValueTypes(t *testing.T) {
	reg := testRegistry()
	tests := []struct {
		name string
		got  cty.Type
		want string
	}{
		{"diagnose value", StepValueType(reg.Lookup(steps.Diagnose, "command"), steps.Diagnose),
			"object({exit_code=number,hosts=map(object({exit_code=number,outcome=string,stderr=string,stdout=string})),stderr=string,stdout=string})"},
		{"repair value", StepValueType(reg.Lookup(steps.Repair, "file"), steps.Repair),
			"object({changed=bool,hosts=map(object({changed=bool,outcome=string,sha256=string})),sha256=string})"},
		{"diagnose self", SelfValueType(reg.Lookup(steps.Diagnose, "command")),
			"object({exit_code=number,stderr=string,stdout=string})"},
		{"repair self", SelfValueType(reg.Lookup(steps.Repair, "file")), "object({sha256=string})"},
		{"host", HostValueType(), "object({address=string,groups=list(string),name=string,vars=any})"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := typeexpr.TypeString(tt.got); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	h := &InventoryHost{Name: "etcd-01", Address: "127.0.0.21", Groups: []string{"etcd"}}
	if v := HostValue(h); len(v.Type().TestConformance(HostValueType())) > 0 || v.GetAttr("groups").LengthInt() != 1 {
		t.Errorf("HostValue = %#v, not of HostValueType", v)
	}
}

func TestMetaArgumentNames(t *testing.T) {
	want := []string{"on", "when", "timeout", "on_failure", "serial", "retry", "approval", "expect"}
	if diff := cmp.Diff(want, MetaArgumentNames()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestLoadFileMissing(t *testing.T) {
	_, diags := LoadFile("testdata/does-not-exist.mend.hcl", testRegistry())
	if len(diags) != 1 || diags[0].Summary != "Cannot read runbook" {
		t.Errorf("got %v", diags)
	}
}

// TestBadStepTypeDefinition: a step type whose config claims a
// meta-argument (here `timeout`) is reported, not silently starved.
func TestBadStepTypeDefinition(t *testing.T) {
	type probeConfig struct {
		Endpoint string `hcl:"endpoint"`
		Timeout  string `hcl:"timeout,optional"`
	}
	reg := steps.NewRegistry([]steps.Diagnoser{fakeDiagnoser{"tls_probe", func() any { return new(probeConfig) }, cty.EmptyObject}}, nil)
	_, diags := Load("t.mend.hcl", []byte("diagnose \"tls_probe\" \"p\" {\n  endpoint = \"etcd-01:2379\"\n  timeout  = \"10s\"\n}\n"), reg)
	if len(diags) != 1 || diags[0].Summary != "Invalid step type definition" || !strings.Contains(diags[0].Detail, `declares "timeout"`) {
		t.Errorf("got %v", diags)
	}
}
