package file

import (
	"context"
	"os"
	"os/user"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps"
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
		{"same content, no mode asked", 0o600, Config{Content: "x\n"}, steps.NoOp, nil},
		{"same content and mode", 0o640, Config{Content: "x\n", Mode: "640"}, steps.NoOp, nil},
		{"same owner by name", 0o644, Config{Content: "x\n", Owner: me.Username}, steps.NoOp, nil},
		{"mode differs", 0o600, Config{Content: "x\n", Mode: "0644"}, steps.Change, []string{"mode 0600 -> 0644"}},
		{"owner differs", 0o644, Config{Content: "x\n", Owner: "nobody"}, steps.Change, []string{"owner " + me.Username + " -> nobody"}},
		{"content differs", 0o644, Config{Content: "y\n"}, steps.Change, nil},
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
		{name: "setuid", cfg: Config{Content: "#!/bin/sh\n", Mode: "4755"}},
		{name: "sticky", cfg: Config{Content: "x\n", Mode: "1644"}},
		{name: "owner and group", cfg: Config{Content: "x\n", Owner: "nobody", Group: "nogroup", Mode: "0640"}, root: true},
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

func TestValidateConfig(t *testing.T) {
	tests := []struct {
		name    string
		typ     steps.Validator
		config  any
		wantErr string
	}{
		{"valid", Repair{}, &Config{Path: "/etc/x", Mode: "0644", Owner: "root", Group: "root"}, ""},
		{"valid setuid", Repair{}, &Config{Path: "/usr/local/bin/x", Mode: "4755"}, ""},
		{"relative path", Repair{}, &Config{Path: "etc/x"}, `path must be absolute, got "etc/x"`},
		{"unclean path", Repair{}, &Config{Path: "/etc//x/"}, `path "/etc//x/" is not clean; did you mean "/etc/x"?`},
		{"mode not octal", Repair{}, &Config{Path: "/x", Mode: "rw-r--r--"}, `mode must be octal permission bits like "0644", got "rw-r--r--"`},
		{"mode 8", Repair{}, &Config{Path: "/x", Mode: "0648"}, `mode must be octal permission bits like "0644", got "0648"`},
		{"mode too big", Repair{}, &Config{Path: "/x", Mode: "10644"}, `mode must be octal permission bits like "0644", got "10644"`},
		{"mode zero", Repair{}, &Config{Path: "/x", Mode: "0000"}, `mode "0000" is not supported: a file must be readable by someone`},
		{"owner with colon", Repair{}, &Config{Path: "/x", Owner: "root:root"}, `owner must be a single name, got "root:root"`},
		{"group with space", Repair{}, &Config{Path: "/x", Group: "a b"}, `group must be a single name, got "a b"`},
		{"file_read valid", Read{}, &ReadConfig{Path: "/etc/x"}, ""},
		{"file_read relative", Read{}, &ReadConfig{Path: "x"}, `path must be absolute, got "x"`},
		{"wrong config type", Read{}, &Config{Path: "/x"}, "step config is *file.Config, want *file.ReadConfig (a bug in mend: please report it)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.typ.ValidateConfig(tt.config)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Errorf("ValidateConfig = %q, want %q", got, tt.wantErr)
			}
		})
	}
}
