package runbooks

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
)

const varsRunbook = `
variable "master" {
  type = string
}

variable "etcd" {
  type    = list(string)
  default = ["etcd-01", "etcd-02", "etcd-03"]

  validation {
    condition     = length(var.etcd) % 2 == 1
    error_message = "An etcd cluster needs an odd number of members, not ${length(var.etcd)}."
  }
}

variable "replicas" {
  type    = number
  default = 1
}

variable "token" {
  type      = string
  default   = "s3cret"
  sensitive = true

  validation {
    condition     = length(var.token) >= 6
    error_message = "The token ${var.token} is too short."
  }
}

variable "anything" {
  default = null
}

diagnose "command" "x" {
  command = "echo ${var.master}"
}
`

func TestEvalVariables(t *testing.T) {
	dir := t.TempDir()
	varFile := filepath.Join(dir, "lab.vars.hcl")
	if err := os.WriteFile(varFile, []byte("master = \"from-file\"\nreplicas = 3\nunused = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		raw   map[string]string
		files []string
		want  map[string]string // name -> GoString of the value; nil: do not compare
		diags []string          // "SEVERITY: summary: detail substring"
	}{
		{
			name: "raw string, defaults, sensitive mark",
			raw:  map[string]string{"master": "k8s-master-01"},
			want: map[string]string{
				"master":   `cty.StringVal("k8s-master-01")`,
				"etcd":     `cty.ListVal([]cty.Value{cty.StringVal("etcd-01"), cty.StringVal("etcd-02"), cty.StringVal("etcd-03")})`,
				"replicas": `cty.NumberIntVal(1)`,
				"token":    `cty.StringVal("s3cret").Mark("sensitive")`,
				"anything": `cty.NullVal(cty.DynamicPseudoType)`,
			},
		},
		{
			name: "HCL expressions for non-string types; a string is taken raw",
			raw:  map[string]string{"master": `"quoted"`, "etcd": `["a", "b", "c"]`, "replicas": "5", "anything": `{ x = 1 }`},
			want: map[string]string{
				"master":   `cty.StringVal("\"quoted\"")`,
				"etcd":     `cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b"), cty.StringVal("c")})`,
				"replicas": `cty.NumberIntVal(5)`,
				"token":    `cty.StringVal("s3cret").Mark("sensitive")`,
				"anything": `cty.ObjectVal(map[string]cty.Value{"x":cty.NumberIntVal(1)})`,
			},
		},
		{
			name:  "var file, with -var winning over it",
			raw:   map[string]string{"replicas": "7"},
			files: []string{varFile},
			want: map[string]string{
				"master":   `cty.StringVal("from-file")`,
				"etcd":     `cty.ListVal([]cty.Value{cty.StringVal("etcd-01"), cty.StringVal("etcd-02"), cty.StringVal("etcd-03")})`,
				"replicas": `cty.NumberIntVal(7)`,
				"token":    `cty.StringVal("s3cret").Mark("sensitive")`,
				"anything": `cty.NullVal(cty.DynamicPseudoType)`,
			},
			diags: []string{`WARNING: Value for undeclared variable: A value was given for "unused"`},
		},
		{
			name:  "missing required",
			diags: []string{"ERROR: No value for required variable: Set it with -var master=VALUE"},
		},
		{
			name: "validation failure shows error_message",
			raw:  map[string]string{"master": "m", "etcd": `["a", "b"]`},
			diags: []string{"ERROR: Invalid value for variable: An etcd cluster needs an odd number of members, not 2.\n\n" +
				"This was checked by the validation rule at vars.mend.hcl:10,3-13."},
		},
		{
			name:  "sensitive error_message is not shown",
			raw:   map[string]string{"master": "m", "token": "abc"},
			diags: []string{"ERROR: Invalid value for variable: its error_message refers to a sensitive value and is not shown"},
		},
		{
			name:  "wrong type",
			raw:   map[string]string{"master": "m", "replicas": `["x"]`},
			diags: []string{"ERROR: Invalid value for variable: does not match its type number"},
		},
		{
			name:  "bare word for a non-string type",
			raw:   map[string]string{"master": "m", "replicas": "three"},
			diags: []string{"ERROR: Variables not allowed: "},
		},
		{
			name:  "undeclared -var suggests",
			raw:   map[string]string{"master": "m", "mastr": "x"},
			diags: []string{`ERROR: Value for undeclared variable: Did you mean "master"?`},
		},
		{
			name:  "unreadable var file",
			raw:   map[string]string{"master": "m"},
			files: []string{filepath.Join(dir, "missing.hcl")},
			diags: []string{"ERROR: Cannot read variables file: missing.hcl"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rb, diags := Load("vars.mend.hcl", []byte(varsRunbook))
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			values, diags := rb.EvalVariables(tt.raw, tt.files)
			checkDiags(t, diags, tt.diags)
			if tt.want == nil {
				return
			}
			got := map[string]string{}
			for k, v := range values {
				got[k] = v.GoString()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
		})
	}
}

// checkDiags matches diagnostics against "SEVERITY: summary: detail
// substring" patterns, one each, in any order.
func checkDiags(t *testing.T, diags hcl.Diagnostics, want []string) {
	t.Helper()
	var got []string
	for _, d := range diags {
		sev := "ERROR"
		if d.Severity == hcl.DiagWarning {
			sev = "WARNING"
		}
		got = append(got, sev+": "+d.Summary+": "+d.Detail)
	}
	sort.Strings(got)
	if len(got) != len(want) {
		t.Fatalf("got %d diagnostics, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			prefix, sub, _ := strings.Cut(w, ": ")
			sub2, detail, _ := strings.Cut(sub, ": ")
			if strings.HasPrefix(g, prefix+": "+sub2+": ") && strings.Contains(g, detail) {
				found = true
			}
		}
		if !found {
			t.Errorf("no diagnostic matches %q; got:\n%s", w, strings.Join(got, "\n"))
		}
	}
}
