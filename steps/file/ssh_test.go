package file

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// TestOverSSH installs a CA bundle through a real OpenSSH sshd on
// 127.0.0.1 and mend's SSH transport: plan changes nothing, apply writes
// content, mode and a backup, the next plan is a no-op, and file_read
// sees the result.
func TestOverSSH(t *testing.T) {
	srv := sshtest.Start(t)
	h := srv.Host(t)
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "ca.pem")
	oldCA, newCA := newTestCA(t, "Puppet CA", 1), newTestCA(t, "Puppet CA", 2)
	writeFile(t, path, oldCA.certPEM, 0o600)
	cfg := Config{Path: path, Content: newCA.certPEM, Mode: "0644", Backup: true}

	before := statFile(t, path)
	plan, err := Repair{}.Plan(ctx, steps.PlanRequest{Config: &cfg, Host: h})
	if err != nil || plan.Action != steps.Change {
		t.Fatalf("Plan = %v, %v; want change", plan.Action, err)
	}
	if diff := cmp.Diff(before, statFile(t, path)); diff != "" {
		t.Errorf("plan changed the file (-before +after):\n%s", diff)
	}
	if len(plan.Preview.Changes) < 3 || plan.Preview.Changes[0] != "mode 0600 -> 0644" {
		t.Errorf("plan changes = %q, want the mode and both certificates", plan.Preview.Changes)
	}

	time.Sleep(10 * time.Millisecond) // so a rewrite would move mtime
	resp, err := Repair{}.Apply(ctx, steps.ApplyRequest{Config: &cfg, Host: h})
	if err != nil || !resp.Changed {
		t.Fatalf("Apply = changed %v, %v", resp.Changed, err)
	}
	backup := resp.Output.GetAttr("backup_path").AsString()
	got := map[string]onDisk{"file": statFile(t, path), "backup": statFile(t, backup)}
	for k, v := range got {
		v.ModTime = time.Time{}
		got[k] = v
	}
	want := map[string]onDisk{"file": {Content: newCA.certPEM, Mode: 0o644}, "backup": {Content: oldCA.certPEM, Mode: 0o600}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files after apply (-want +got):\n%s", diff)
	}

	plan, err = Repair{}.Plan(ctx, steps.PlanRequest{Config: &cfg, Host: h})
	if err != nil || plan.Action != steps.NoOp {
		t.Errorf("second Plan = %v %q, %v; want no-op", plan.Action, plan.Preview.Changes, err)
	}

	read, err := Read{}.Diagnose(ctx, steps.DiagnoseRequest{Config: &ReadConfig{Path: path}, Host: h})
	if err != nil {
		t.Fatalf("file_read: %v", err)
	}
	wantSum := cty.StringVal(sha256Hex([]byte(newCA.certPEM)))
	if !read.Output.GetAttr("sha256").RawEquals(wantSum) || !read.Output.GetAttr("mode").RawEquals(cty.StringVal("0644")) {
		t.Errorf("file_read output = %#v", read.Output)
	}
}
