package etcdsnapshot_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/etcdtest"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/etcdsnapshot"
)

// TestSnapshot saves a snapshot of a real 3-member cluster through a real
// sshd: plan writes nothing; apply writes a file whose sha256 and revision
// match what etcdctl's `snapshot status` reads from it; a second run
// refuses to overwrite it.
func TestSnapshot(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	testSnapshot(t, h, etcdtest.Start(t, 3), "etcdctl", "3.4.")
}

// TestSnapshotCurrent is TestSnapshot against etcd CurrentVersion (built
// from the module proxy), its snapshot read back by that release's
// etcdutl.
func TestSnapshotCurrent(t *testing.T) {
	tools := etcdtest.CurrentBin(t)
	h := sshtest.Start(t).Host(t)
	testSnapshot(t, h, etcdtest.Start(t, 3, etcdtest.WithBin(tools.Etcd)), tools.Etcdutl, strings.TrimPrefix(etcdtest.CurrentVersion, "v"))
}

// testSnapshot runs the snapshot checks against c; statusTool reads the
// file back (`snapshot status`), version is what the step must report
// the server to be (a prefix).
func testSnapshot(t *testing.T, h steps.MutableHost, c *etcdtest.Cluster, statusTool, version string) {
	cli := c.Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for i := range 20 {
		if _, err := cli.Put(ctx, fmt.Sprintf("/snap/%02d", i), "v"); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "etcd.db")
	local := filepath.Join(t.TempDir(), "operator-copy.db")
	cfg := &etcdsnapshot.Config{Args: c.Args(), Path: path, LocalPath: local}
	if err := (etcdsnapshot.Snapshot{}).ValidateConfig(cfg); err != nil {
		t.Fatal(err)
	}
	p, err := etcdsnapshot.Snapshot{}.Plan(ctx, steps.PlanRequest{Config: cfg, Host: h})
	if err != nil || p.Action != steps.Change {
		t.Fatalf("plan: %v %v", p.Action, err)
	}
	t.Log("plan: " + p.Preview.Summary)
	if _, err := os.Stat(local); !os.IsNotExist(err) {
		t.Fatalf("plan wrote %s: %v", local, err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("plan wrote %s: %v", path, err)
	}
	a, err := etcdsnapshot.Snapshot{}.Apply(ctx, steps.ApplyRequest{Config: cfg, Host: h})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("apply: " + a.Summary)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if got := a.Output.GetAttr("sha256").AsString(); got != hex.EncodeToString(sum[:]) {
		t.Errorf("sha256 %s, file has %x", got, sum)
	}
	if copied, err := os.ReadFile(local); err != nil || sha256.Sum256(copied) != sum {
		t.Errorf("the local copy %s: %v, or it differs from the host's file", local, err)
	}
	if st, err := os.Stat(local); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("local copy mode: %v %v", st, err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	if got := a.Output.GetAttr("version").AsString(); !strings.HasPrefix(got, version) || !strings.Contains(a.Summary, got) {
		t.Errorf("server version %q (summary %q), want %s...", got, a.Summary, version)
	}
	out, err := exec.Command(statusTool, "snapshot", "status", path, "-w", "json").CombinedOutput()
	if err != nil {
		t.Fatalf("%s snapshot status: %v\n%s", statusTool, err, out)
	}
	var status struct{ Revision, TotalKey int64 }
	if err := json.Unmarshal(out, &status); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	rev, _ := a.Output.GetAttr("revision").AsBigFloat().Int64()
	if status.Revision != rev || status.Revision < 21 {
		t.Errorf("%s says revision %d, the step %d", statusTool, status.Revision, rev)
	}
	if _, err := (etcdsnapshot.Snapshot{}).Plan(ctx, steps.PlanRequest{Config: cfg, Host: h}); err == nil || !strings.Contains(err.Error(), "refusing to overwrite") {
		t.Errorf("second plan: %v, want a refusal to overwrite", err)
	}
	if _, err := (etcdsnapshot.Snapshot{}).Apply(ctx, steps.ApplyRequest{Config: cfg, Host: h}); err == nil || !strings.Contains(err.Error(), "refusing to overwrite") {
		t.Errorf("second apply: %v, want a refusal to overwrite", err)
	}
}

// TestSnapshotUnderNoSpace: a cluster under the NOSPACE alarm still
// serves snapshots, and that is when one is wanted (before compacting);
// etcd_snapshot used to refuse it ("not among the healthy endpoints").
func TestSnapshotUnderNoSpace(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	c := etcdtest.Start(t, 3, etcdtest.WithArgs("--quota-backend-bytes=2097152"))
	etcdtest.FillUntilNoSpace(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	path := filepath.Join(t.TempDir(), "nospace.db")
	cfg := &etcdsnapshot.Config{Args: c.Args(), Path: path}
	a, err := etcdsnapshot.Snapshot{}.Apply(ctx, steps.ApplyRequest{Config: cfg, Host: h})
	if err != nil {
		t.Fatalf("snapshot under NOSPACE: %v", err)
	}
	t.Log(a.Summary)
	if st, err := os.Stat(path); err != nil || st.Size() < 1<<20 {
		t.Fatalf("snapshot file: %v %v", st, err)
	}
}
