package file

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/transport/local"
)

// countingHost counts the reads and writes a step makes.
type countingHost struct {
	local.Host
	reads, writes *atomic.Int32
}

func newCountingHost() countingHost {
	return countingHost{reads: &atomic.Int32{}, writes: &atomic.Int32{}}
}

func (h countingHost) ReadFile(ctx context.Context, path string) (steps.File, error) {
	h.reads.Add(1)
	return h.Host.ReadFile(ctx, path)
}

func (h countingHost) WriteFile(ctx context.Context, req steps.WriteFileRequest) (steps.WriteFileResult, error) {
	h.writes.Add(1)
	return h.Host.WriteFile(ctx, req)
}

// TestApplyAfterPlanWritesOnce: after its Plan, Apply makes one
// conditional write and reads nothing (before issue 12: a read, a write
// and a read back); its summary is the plan's.
func TestApplyAfterPlanWritesOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x")
	writeFile(t, path, "old\n", 0o600)
	cfg := Config{Path: path, Content: ptr("new\n"), Mode: "0644"}
	h := newCountingHost()
	plan, err := Repair{}.Plan(context.Background(), steps.PlanRequest{Config: &cfg, Host: h})
	if err != nil || plan.Action != steps.Change {
		t.Fatalf("Plan = %v, %v", plan.Action, err)
	}
	h.reads.Store(0)
	resp, err := Repair{}.Apply(context.Background(), steps.ApplyRequest{Config: &cfg, Host: h, Planned: plan.Observed})
	if err != nil || !resp.Changed {
		t.Fatalf("Apply = %+v, %v", resp, err)
	}
	if r, w := h.reads.Load(), h.writes.Load(); r != 0 || w != 1 {
		t.Errorf("Apply made %d reads and %d writes, want 0 and 1", r, w)
	}
	if resp.Summary != plan.Preview.Summary {
		t.Errorf("summary %q, want the plan's %q", resp.Summary, plan.Preview.Summary)
	}
	if got := statFile(t, path); got.Content != "new\n" || got.Mode.Perm() != 0o644 {
		t.Errorf("file %q mode %o", got.Content, got.Mode)
	}
}

// TestApplyAfterPlanFileChanged: a file changed between the preview and
// the apply is not overwritten blindly on the preview's word: Apply reads
// it again, and a file that meanwhile got the desired content is left
// alone (unchanged, not "changed").
func TestApplyAfterPlanFileChanged(t *testing.T) {
	for _, tc := range []struct {
		name, meanwhile string
		changed         bool
	}{
		{"someone else converged it", "new\n", false},
		{"someone else wrote something else", "other\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x")
			writeFile(t, path, "old\n", 0o644)
			cfg := Config{Path: path, Content: ptr("new\n"), Mode: "0644"}
			h := newCountingHost()
			plan, err := Repair{}.Plan(context.Background(), steps.PlanRequest{Config: &cfg, Host: h})
			if err != nil || plan.Action != steps.Change {
				t.Fatalf("Plan = %v, %v", plan.Action, err)
			}
			writeFile(t, path, tc.meanwhile, 0o644)
			resp, err := Repair{}.Apply(context.Background(), steps.ApplyRequest{Config: &cfg, Host: h, Planned: plan.Observed})
			if err != nil || resp.Changed != tc.changed {
				t.Fatalf("Apply = changed %v, %v; want changed %v", resp.Changed, err, tc.changed)
			}
			if got := statFile(t, path).Content; got != "new\n" {
				t.Errorf("content %q", got)
			}
		})
	}
}

// TestLargeChangeSummarised: content over maxDiffBytes gets sizes,
// digests and the first differing line instead of a diff, and the
// summary counts bytes, not lines.
func TestLargeChangeSummarised(t *testing.T) {
	line := "server_name example.org;\n"
	old := strings.Repeat(line, 2*maxDiffBytes/len(line))
	new := line + "changed;\n" + old[2*len(line):] + "tail\n" // line 2 differs
	path := filepath.Join(t.TempDir(), "big.conf")
	writeFile(t, path, old, 0o644)
	plan, err := Repair{}.Plan(context.Background(), steps.PlanRequest{Config: &Config{Path: path, Content: ptr(new)}, Host: local.Host{}})
	if err != nil {
		t.Fatal(err)
	}
	wantSummary := "update " + path + " (" + itoa(len(old)) + " -> " + itoa(len(new)) + " bytes)"
	if plan.Preview.Summary != wantSummary {
		t.Errorf("summary %q, want %q", plan.Preview.Summary, wantSummary)
	}
	for _, want := range []string{"(diff not computed: over 128 KiB)", "sha256 " + sha256Hex([]byte(old)) + " -> " + sha256Hex([]byte(new)),
		"first difference at line 2:\n-server_name example.org;\n+changed;"} {
		if !strings.Contains(plan.Preview.Diff, want) {
			t.Errorf("diff %q does not contain %q", plan.Preview.Diff, want)
		}
	}
}

// TestChangeComputedOncePerDigest: ten hosts previewing the same change
// at once share one computation (scan and diff).
func TestChangeComputedOncePerDigest(t *testing.T) {
	calls := 0
	c := &changes{}
	k := changeKey{path: "/x", old: "1", new: "2"}
	done := make(chan contentChange)
	for range 10 {
		go func() {
			done <- c.get(k, func() contentChange { calls++; return contentChange{added: 1} })
		}()
	}
	for range 10 {
		if ch := <-done; ch.added != 1 {
			t.Errorf("got %+v", ch)
		}
	}
	if calls != 1 {
		t.Errorf("computed %d times, want once", calls)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
