package file

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
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
	cfg := Config{Path: path, Content: ptr(newCA.certPEM), Mode: "0644", Backup: true}

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

// TestSpecialModeOverSSH: through the SSH transport a setuid file is seen
// as 4755 (so a plan for 0755 drops the bit) and a 4755 apply converges
// (review findings: the bit was invisible and could not be written).
func TestSpecialModeOverSSH(t *testing.T) {
	srv := sshtest.Start(t)
	h := srv.Host(t)
	ctx := context.Background()
	dir := t.TempDir()
	tool := filepath.Join(dir, "tool")
	writeFile(t, tool, "x\n", 0o755|os.ModeSetuid)
	plan, err := Repair{}.Plan(ctx, steps.PlanRequest{Config: &Config{Path: tool, Content: ptr("x\n"), Mode: "0755"}, Host: h})
	if err != nil || plan.Action != steps.Change || !slices.Contains(plan.Preview.Changes, "mode 4755 -> 0755") {
		t.Errorf("Plan(0755) of a 4755 file = %v %q, %v; want the change mode 4755 -> 0755", plan.Action, plan.Preview.Changes, err)
	}
	cfg := Config{Path: filepath.Join(dir, "new"), Content: ptr("y\n"), Mode: "4755"}
	if _, err := (Repair{}).Apply(ctx, steps.ApplyRequest{Config: &cfg, Host: h}); err != nil {
		t.Fatalf("Apply(4755): %v", err)
	}
	if fi, err := os.Stat(cfg.Path); err != nil || fi.Mode() != 0o755|os.ModeSetuid {
		t.Errorf("on disk after Apply(4755): %v, %v", fi.Mode(), err)
	}
	again, err := Repair{}.Apply(ctx, steps.ApplyRequest{Config: &cfg, Host: h})
	if err != nil || again.Changed {
		t.Errorf("second Apply(4755) = changed %v, %v; want a no-op", again.Changed, err)
	}
}

// TestNumericOwnerOverSSH: an owner and group with no name on the host
// read as their numbers, so a config naming them by number converges
// (review finding: they read as UNKNOWN and every apply failed).
func TestNumericOwnerOverSSH(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("chown needs root")
	}
	srv := sshtest.Start(t)
	h := srv.Host(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "f")
	writeFile(t, path, "x\n", 0o644)
	if err := os.Chown(path, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Path: path, Content: ptr("x\n"), Owner: "4242", Group: "4242"}
	plan, err := Repair{}.Plan(ctx, steps.PlanRequest{Config: &cfg, Host: h})
	if err != nil || plan.Action != steps.NoOp {
		t.Errorf("Plan = %v %q, %v; want no-op", plan.Action, plan.Preview.Changes, err)
	}
	resp, err := Repair{}.Apply(ctx, steps.ApplyRequest{Config: &cfg, Host: h})
	if err != nil || resp.Changed {
		t.Errorf("Apply = changed %v, %v; want a no-op", resp.Changed, err)
	}
}

// TestLargeFileOverSSH: replacing a 1 MiB file through a real sshd takes
// two commands (the plan's digest read, the apply's write, nothing read
// back), in two sessions (the first command of a connection runs in a
// session of its own, the transport's runner starts with the second; with
// MEND_SSH_RUNNER=0 each has its own); the plan gets the file's digest and first 128 KiB, not all of it
// (its preview shows the first difference but not the current digest,
// which only a whole read would let it show), and changes nothing.
func TestLargeFileOverSSH(t *testing.T) {
	srv := sshtest.Start(t)
	h := srv.Host(t)
	ctx := context.Background()
	old, new := bigConfig()
	path := filepath.Join(t.TempDir(), "big.conf")
	writeFile(t, path, old, 0o644)
	cfg := Config{Path: path, Content: ptr(new)}
	sessions := func() int { return strings.Count(srv.Log(), "Starting session:") }
	before := sessions()

	plan, err := Repair{}.Plan(ctx, steps.PlanRequest{Config: &cfg, Host: h})
	if err != nil || plan.Action != steps.Change {
		t.Fatalf("Plan = %v, %v; want change", plan.Action, err)
	}
	if !strings.Contains(plan.Preview.Diff, "first difference at line 1000:") || strings.Contains(plan.Preview.Diff, sha256Hex([]byte(old))) {
		t.Errorf("preview %q: want the first difference and not the current digest", plan.Preview.Diff)
	}
	if got := statFile(t, path); got.Content != old {
		t.Errorf("plan changed the file")
	}
	resp, err := Repair{}.Apply(ctx, steps.ApplyRequest{Config: &cfg, Host: h, Planned: plan.Observed})
	if err != nil || !resp.Changed {
		t.Fatalf("Apply = %+v, %v", resp, err)
	}
	if got := statFile(t, path); got.Content != new || got.Mode.Perm() != 0o644 {
		t.Errorf("after apply: mode %v, new content %v", got.Mode, got.Content == new)
	}
	if n := sessions() - before; n != 2 {
		t.Errorf("plan and apply opened %d sessions, want 2", n)
	}
}
