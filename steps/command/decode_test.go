package command

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/mend-sh/mend/steps"
)

// TestDecodeHCL decodes block bodies the way the engine does (gohcl into
// NewConfig), to pin the argument names and types.
func TestDecodeHCL(t *testing.T) {
	tests := []struct {
		name    string
		typ     steps.Type
		src     string
		want    any
		wantErr string
	}{
		{name: "diagnose, all arguments", typ: Diagnose{},
			src:  "command = \"etcdctl endpoint health -w json\"\nexpect_exit = [0, 1]\njson = true\nstdin = \"x\"\n",
			want: &DiagnoseConfig{Command: "etcdctl endpoint health -w json", ExpectExit: []int{0, 1}, JSON: true, Stdin: "x"}},
		{name: "diagnose, defaults", typ: Diagnose{}, src: `command = "true"`, want: &DiagnoseConfig{Command: "true"}},
		{name: "repair with guards", typ: Repair{},
			src:  "command = \"mv a b\"\ncreates = \"/b\"\nunless = \"test -e /b\"\n",
			want: &RepairConfig{Command: "mv a b", Creates: "/b", Unless: "test -e /b"}},
		{name: "diagnose has no creates", typ: Diagnose{}, src: "command = \"x\"\ncreates = \"/b\"\n",
			wantErr: `Unsupported argument; An argument named "creates" is not expected here.`},
		{name: "command is required", typ: Repair{}, src: `creates = "/b"`,
			wantErr: `Missing required argument; The argument "command" is required, but no definition was found.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, diags := hclsyntax.ParseConfig([]byte(tt.src), "test.hcl", hcl.InitialPos)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			cfg := tt.typ.NewConfig()
			diags = gohcl.DecodeBody(f.Body, nil, cfg)
			if tt.wantErr != "" {
				if len(diags) == 0 || diags[0].Summary+"; "+diags[0].Detail != tt.wantErr {
					t.Errorf("diagnostics = %v, want %q", diags, tt.wantErr)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if diff := cmp.Diff(tt.want, cfg); diff != "" {
				t.Errorf("decoded config (-want +got):\n%s", diff)
			}
		})
	}
}
