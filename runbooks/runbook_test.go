package runbooks

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/zclconf/go-cty/cty"
)

// stepSummary is what decoding a step block produced, without ranges.
type stepSummary struct {
	Address   string
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
	rb, diags := Load(file, src)
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
		{Address: "diagnose.command.etcd_health", On: true, Timeout: 10 * time.Second,
			Retry: "2s xIII", OnFailure: OnFailureContinue, Serial: 1, Expects: 1},
		{Address: "diagnose.x509_compare.trusted_vs_etcd_ca", OnFailure: OnFailureStop, Expects: 1},
		{Address: "repair.file.install_etcd_ca", On: true, When: true, OnFailure: OnFailureStop,
			Approval: "Replaces the CA that puppet and kube-apiserver trust"},
		{Address: "diagnose.command.members", On: true, When: true, OnFailure: OnFailureStop},
		{Address: "repair.etcd_restore.from_snapshot", On: true, When: true, Timeout: 5 * time.Minute,
			OnFailure: OnFailureStop, Approval: "Replaces etcd's data directory; the old one is moved aside, never deleted.", Expects: 1},
		{Address: "diagnose.wait_until.healthy_again", On: true, OnFailure: OnFailureStop},
		{Address: "diagnose.http_check.apiserver", OnFailure: OnFailureStop},
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
	rb, diags := LoadFile("testdata/valid/incident.mend.hcl")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var cfg struct {
		Command    string `hcl:"command"`
		ExpectExit []int  `hcl:"expect_exit,optional"`
	}
	if d := gohcl.DecodeBody(rb.Steps[0].Config, nil, &cfg); d.HasErrors() {
		t.Fatalf("decoding the config of %s: %s", rb.Steps[0].Address(), d)
	}
	if cfg.Command != "etcdctl endpoint health --cluster" || !cmp.Equal(cfg.ExpectExit, []int{0, 1}) {
		t.Errorf("config = %+v", cfg)
	}
}

func TestStepValueTypes(t *testing.T) {
	commandOutput := cty.Object(map[string]cty.Type{"exit_code": cty.Number, "stdout": cty.String, "stderr": cty.String})
	tests := []struct {
		name string
		got  cty.Type
		want string
	}{
		{"diagnose value", StepValueType(commandOutput, Diagnose),
			"object({exit_code=number,hosts=map(object({exit_code=number,outcome=string,stderr=string,stdout=string})),stderr=string,stdout=string})"},
		{"repair value", StepValueType(cty.Object(map[string]cty.Type{"sha256": cty.String}), Repair),
			"object({changed=bool,hosts=map(object({changed=bool,outcome=string,sha256=string})),sha256=string})"},
		{"not an object", StepValueType(cty.String, Diagnose), "object({hosts=map(object({outcome=string}))})"},
		{"diagnose self", outputOf(&StepSchema{Output: commandOutput}),
			"object({exit_code=number,stderr=string,stdout=string})"},
		{"unknown self", outputOf(nil), "any"},
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
	want := []string{"on", "when", "for_each", "timeout", "on_failure", "serial", "sensitive", "retry", "approval", "expect"}
	if diff := cmp.Diff(want, MetaArgumentNames()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestLoadFileMissing(t *testing.T) {
	_, diags := LoadFile("testdata/does-not-exist.mend.hcl")
	if len(diags) != 1 || diags[0].Summary != "Cannot read runbook" {
		t.Errorf("got %v", diags)
	}
}

// TestLongHeredocWarns: a heredoc over MaxHeredocLines lines gets a
// warning at its first line pointing to file(); a short one, and a long
// quoted string, get none.
func TestLongHeredocWarns(t *testing.T) {
	long := strings.Repeat("line\n", MaxHeredocLines+1)
	for _, tc := range []struct {
		name, content string
		warn          bool
	}{
		{"long heredoc", "<<-EOT\n" + long + "  EOT", true},
		{"short heredoc", "<<EOT\n" + strings.Repeat("line\n", MaxHeredocLines) + "EOT", false},
		{"long quoted string", `"` + strings.Repeat(`line\n`, 2*MaxHeredocLines) + `"`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "repair \"file\" \"f\" {\n  on      = \"h\"\n  path    = \"/etc/x\"\n  content = " + tc.content + "\n}\n"
			_, diags := Load("rb.mend.hcl", []byte(src))
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			var got []string
			for _, d := range diags {
				got = append(got, fmt.Sprintf("%s:%d: %s", d.Subject.Filename, d.Subject.Start.Line, d.Summary))
				if !strings.Contains(d.Detail, `file("name")`) {
					t.Errorf("detail does not say what to do: %s", d.Detail)
				}
			}
			var want []string
			if tc.warn {
				want = []string{"rb.mend.hcl:4: Heredoc too long to parse quickly"}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
