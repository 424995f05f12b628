package file

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/transport/local"
	"github.com/zclconf/go-cty/cty"
)

// onDisk is a file's state as the kernel reports it.
type onDisk struct {
	Content string
	Mode    os.FileMode
	ModTime time.Time
}

func statFile(t *testing.T, path string) onDisk {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return onDisk{string(b), fi.Mode(), fi.ModTime()}
}

// TestPlanChangesNothing plans a change that touches content, mode and
// backup, and proves the file (content, mode, mtime) and its directory are
// exactly as before.
func TestPlanChangesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ca.pem")
	writeFile(t, path, "old\n", 0o600)
	past := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(path, past, past); err != nil {
		t.Fatal(err)
	}
	before := statFile(t, path)
	cfg := Config{Path: path, Content: ptr("new\n"), Mode: "0644", Backup: true}
	resp, err := Repair{}.Plan(context.Background(), steps.PlanRequest{Config: &cfg, Host: local.Host{}})
	if err != nil || resp.Action != steps.Change {
		t.Fatalf("Plan = %v, %v; want change", resp.Action, err)
	}
	if diff := cmp.Diff(before, statFile(t, path)); diff != "" {
		t.Errorf("the file changed during plan (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"ca.pem"}, dirNames(t, dir)); diff != "" {
		t.Errorf("the directory changed during plan (-before +after):\n%s", diff)
	}
	want := cty.ObjectVal(map[string]cty.Value{
		"path": cty.StringVal(path), "sha256": cty.StringVal(sha256Hex([]byte("new\n"))),
		"changed": cty.True, "backup_path": cty.UnknownVal(cty.String),
	})
	if !resp.Output.RawEquals(want) {
		t.Errorf("planned Output = %#v, want %#v", resp.Output, want)
	}
}

// TestApplyThenPlanIsNoOp: apply changes content and mode and keeps a
// backup; the next plan and apply are no-ops.
func TestApplyThenPlanIsNoOp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ca.pem")
	writeFile(t, path, "old\n", 0o600)
	cfg := Config{Path: path, Content: ptr("new\n"), Mode: "0644", Backup: true}
	resp, err := Repair{}.Apply(context.Background(), steps.ApplyRequest{Config: &cfg, Host: local.Host{}})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	backup := resp.Output.GetAttr("backup_path").AsString()
	if !regexp.MustCompile(`^` + regexp.QuoteMeta(path) + `\.mend-backup-\d+$`).MatchString(backup) {
		t.Errorf("backup_path = %q", backup)
	}
	want := steps.ApplyResponse{Changed: true, Summary: "update " + path + " (+1 -1 lines)",
		Details: []string{"mode 0600 -> 0644", "backup of the current content to " + path + ".mend-backup-<unix time>", "backup: " + backup},
		Output:  output(path, sha256Hex([]byte("new\n")), true, cty.StringVal(backup))}
	if diff := cmp.Diff(want, resp, cmp.Comparer(cty.Value.RawEquals)); diff != "" {
		t.Errorf("Apply (-want +got):\n%s", diff)
	}
	got := map[string]string{"file": statFile(t, path).Content + statFile(t, path).Mode.String(),
		"backup": statFile(t, backup).Content + statFile(t, backup).Mode.String()}
	if diff := cmp.Diff(map[string]string{"file": "new\n-rw-r--r--", "backup": "old\n-rw-------"}, got); diff != "" {
		t.Errorf("files after apply (-want +got):\n%s", diff)
	}

	plan, err := Repair{}.Plan(context.Background(), steps.PlanRequest{Config: &cfg, Host: local.Host{}})
	wantPlan := steps.PlanResponse{Action: steps.NoOp, Preview: steps.Preview{Summary: "already converged: " + path},
		Output: output(path, sha256Hex([]byte("new\n")), false, cty.StringVal(""))}
	if diff := cmp.Diff(wantPlan, plan, cmp.Comparer(cty.Value.RawEquals)); diff != "" || err != nil {
		t.Errorf("Plan after apply (-want +got):\n%s\nerror: %v", diff, err)
	}
	again, err := Repair{}.Apply(context.Background(), steps.ApplyRequest{Config: &cfg, Host: local.Host{}})
	if err != nil || again.Changed {
		t.Errorf("second Apply = changed %v, %v; want a no-op", again.Changed, err)
	}
	if n := len(dirNames(t, dir)); n != 2 {
		t.Errorf("directory holds %v, want the file and one backup", dirNames(t, dir))
	}
}

// TestApplyVerifiesWhatTheHostWrote: a host that silently drops the mode
// makes Apply fail instead of reporting success.
func TestApplyVerifiesWhatTheHostWrote(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x")
	writeFile(t, path, "x\n", 0o600)
	cfg := Config{Path: path, Content: ptr("y\n"), Mode: "0644"}
	_, err := Repair{}.Apply(context.Background(), steps.ApplyRequest{Config: &cfg, Host: modeDroppingHost{local.Host{}}})
	want := "after the write " + path + " is still not as configured: mode 0600, want 0644"
	if err == nil || err.Error() != want || steps.Classify(err) != steps.ClassStep {
		t.Errorf("Apply error = %v, want %q (class step)", err, want)
	}
}

// modeDroppingHost writes content but never the mode, like a transport
// with a bug.
type modeDroppingHost struct{ local.Host }

func (h modeDroppingHost) WriteFile(ctx context.Context, req steps.WriteFileRequest) (steps.WriteFileResult, error) {
	req.Mode = 0
	return h.Host.WriteFile(ctx, req)
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
