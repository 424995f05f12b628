package file

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
		{name: "file, all arguments", typ: Repair{},
			src:  "path = \"/etc/x\"\ncontent = \"a\\n\"\nmode = \"0644\"\nowner = \"root\"\ngroup = \"adm\"\nbackup = true\n",
			want: &Config{Path: "/etc/x", Content: "a\n", Mode: "0644", Owner: "root", Group: "adm", Backup: true}},
		{name: "file needs content", typ: Repair{}, src: `path = "/etc/x"`,
			wantErr: `Missing required argument; The argument "content" is required, but no definition was found.`},
		{name: "file_read", typ: Read{}, src: `path = "/etc/x"`, want: &ReadConfig{Path: "/etc/x"}},
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
