package file

import (
	"context"
	"os"
	"os/user"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
	"github.com/mend-sh/mend/transport/local"
)

// TestPlanAction covers when a plan is a no-op and what metadata changes
// it lists; TestPlanPreviewGolden covers the diff text.
func TestPlanAction(t *testing.T) {
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		mode        os.FileMode // of the existing file
		cfg         Config
		wantAction  steps.Action
		wantChanges []string
	}{
		{"same content, no mode asked", 0o600, Config{Content: ptr("x\n")}, steps.NoOp, nil},
		{"same content and mode", 0o640, Config{Content: ptr("x\n"), Mode: "640"}, steps.NoOp, nil},
		{"same owner by name", 0o644, Config{Content: ptr("x\n"), Owner: me.Username}, steps.NoOp, nil},
		{"mode differs", 0o600, Config{Content: ptr("x\n"), Mode: "0644"}, steps.Change, []string{"mode 0600 -> 0644"}},
		{"owner differs", 0o644, Config{Content: ptr("x\n"), Owner: "nobody"}, steps.Change, []string{"owner " + me.Username + " -> nobody"}},
		{"content differs", 0o644, Config{Content: ptr("y\n")}, steps.Change, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f")
			writeFile(t, path, "x\n", tt.mode)
			tt.cfg.Path = path
			resp, err := Repair{}.Plan(context.Background(), steps.PlanRequest{Config: &tt.cfg, Host: local.Host{}})
			if err != nil {
				t.Fatalf("Plan: %v", err)
			}
			got := struct {
				Action  steps.Action
				Changes []string
			}{resp.Action, resp.Preview.Changes}
			want := struct {
				Action  steps.Action
				Changes []string
			}{tt.wantAction, tt.wantChanges}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Plan (-want +got):\n%s", diff)
			}
		})
	}
}

// TestApplyConvergesSpecialModesAndOwners applies modes with setuid and
// sticky bits and, as root, an owner and group, then expects a no-op plan.
func TestApplyConvergesSpecialModesAndOwners(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		root bool
	}{
		{name: "setuid", cfg: Config{Content: ptr("#!/bin/sh\n"), Mode: "4755"}},
		{name: "sticky", cfg: Config{Content: ptr("x\n"), Mode: "1644"}},
		{name: "owner and group", cfg: Config{Content: ptr("x\n"), Owner: "nobody", Group: "nogroup", Mode: "0640"}, root: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.root && os.Geteuid() != 0 {
				t.Skip("chown needs root")
			}
			tt.cfg.Path = filepath.Join(t.TempDir(), "f")
			if _, err := (Repair{}).Apply(context.Background(), steps.ApplyRequest{Config: &tt.cfg, Host: local.Host{}}); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			plan, err := Repair{}.Plan(context.Background(), steps.PlanRequest{Config: &tt.cfg, Host: local.Host{}})
			if err != nil || plan.Action != steps.NoOp {
				t.Errorf("Plan after Apply = %v %v, %v; want no-op", plan.Action, plan.Preview.Changes, err)
			}
		})
	}
}

// TestDecode decodes block bodies as the engine does (stepstest.Decode:
// gohcl, then ValidateConfig), to pin the argument names, types and rules.
func TestDecode(t *testing.T) {
	stepstest.DecodeTable(t, []stepstest.DecodeCase{
		{Name: "file, all arguments", Type: Repair{},
			Src:  "path = \"/etc/x\"\ncontent = \"a\\n\"\nmode = \"0644\"\nowner = \"root\"\ngroup = \"adm\"\nbackup = true\n",
			Want: &Config{Path: "/etc/x", Content: ptr("a\n"), Mode: "0644", Owner: "root", Group: "adm", Backup: true}},
		{Name: "file needs content", Type: Repair{}, Src: `path = "/etc/x"`,
			WantDiags: []string{`1:1: Invalid step argument; the file's content is missing: set content, or source to a local file`}},
		{Name: "valid setuid", Type: Repair{}, Src: "path = \"/usr/local/bin/x\"\ncontent = \"\"\nmode = \"4755\"\n",
			Want: &Config{Path: "/usr/local/bin/x", Content: ptr(""), Mode: "4755"}},
		{Name: "source", Type: Repair{}, Src: "path = \"/etc/x\"\nsource = \"testdata/source.bin\"\n",
			Want: &Config{Path: "/etc/x", Source: "testdata/source.bin"}},
		{Name: "source and content", Type: Repair{}, Src: "path = \"/etc/x\"\ncontent = \"\"\nsource = \"testdata/source.bin\"\n",
			WantDiags: []string{`3:10: Invalid step argument; give content or source, not both`}},
		{Name: "source missing", Type: Repair{}, Src: "path = \"/etc/x\"\nsource = \"testdata/nope\"\n",
			WantDiags: []string{`2:10: Invalid step argument; cannot read testdata/nope: open testdata/nope: no such file or directory (a relative path is relative to the runbook's directory)`}},
		{Name: "source not a regular file", Type: Repair{}, Src: "path = \"/etc/x\"\nsource = \"testdata\"\n",
			WantDiags: []string{`2:10: Invalid step argument; testdata is a directory, not a regular file`}},
		{Name: "relative path", Type: Repair{}, Src: "content = \"\"\npath = \"etc/x\"\n",
			WantDiags: []string{`2:8: Invalid step argument; path must be absolute, got "etc/x"`}},
		{Name: "unclean path", Type: Repair{}, Src: "content = \"\"\npath = \"/etc//x/\"\n",
			WantDiags: []string{`2:8: Invalid step argument; path "/etc//x/" is not clean; did you mean "/etc/x"?`}},
		{Name: "mode not octal", Type: Repair{}, Src: "path = \"/x\"\ncontent = \"\"\nmode = \"rw-r--r--\"\n",
			WantDiags: []string{`1:1: Invalid step argument; mode must be octal permission bits like "0644", got "rw-r--r--"`}},
		{Name: "mode 8", Type: Repair{}, Src: "path = \"/x\"\ncontent = \"\"\nmode = \"0648\"\n",
			WantDiags: []string{`1:1: Invalid step argument; mode must be octal permission bits like "0644", got "0648"`}},
		{Name: "mode too big", Type: Repair{}, Src: "path = \"/x\"\ncontent = \"\"\nmode = \"10644\"\n",
			WantDiags: []string{`1:1: Invalid step argument; mode must be octal permission bits like "0644", got "10644"`}},
		{Name: "mode zero", Type: Repair{}, Src: "path = \"/x\"\ncontent = \"\"\nmode = \"0000\"\n",
			WantDiags: []string{`1:1: Invalid step argument; mode "0000" is not supported: a file must be readable by someone`}},
		{Name: "owner with colon", Type: Repair{}, Src: "path = \"/x\"\ncontent = \"\"\nowner = \"root:root\"\n",
			WantDiags: []string{`1:1: Invalid step argument; owner must be a single name, got "root:root"`}},
		{Name: "group with space", Type: Repair{}, Src: "path = \"/x\"\ncontent = \"\"\ngroup = \"a b\"\n",
			WantDiags: []string{`1:1: Invalid step argument; group must be a single name, got "a b"`}},
		{Name: "file_read", Type: Read{}, Src: `path = "/etc/x"`, Want: &ReadConfig{Path: "/etc/x"}},
		{Name: "file_read relative", Type: Read{}, Src: `path = "x"`,
			WantDiags: []string{`1:8: Invalid step argument; path must be absolute, got "x"`}},
	})
}

// TestValidateConfigWrongType: a config of the wrong type is an internal
// error, never a panic.
func TestValidateConfigWrongType(t *testing.T) {
	err := Read{}.ValidateConfig(&Config{Path: "/x"})
	want := "step config is *file.Config, want *file.ReadConfig (a bug in mend: please report it)"
	if err == nil || err.Error() != want {
		t.Errorf("ValidateConfig = %v, want %q", err, want)
	}
}

func ptr(s string) *string { return &s }
