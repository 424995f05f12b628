package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/engine"
)

// batchAudit is memAudit storing batches, as audit.Run does; it notes
// each batch's records.
type batchAudit struct {
	*memAudit
	batches [][]string
}

func (b *batchAudit) AppendBatch(rs []audit.Record) ([]audit.Record, []error) {
	stored, errs := make([]audit.Record, len(rs)), make([]error, len(rs))
	var names []string
	for i, r := range rs {
		stored[i], errs[i] = b.Append(r)
		names = append(names, string(r.Event)+" "+r.Host)
	}
	b.batches = append(b.batches, names)
	return stored, errs
}

func newBatchEngine(a *batchAudit) *engine.Engine {
	return engine.New(engine.Options{Registry: testRegistry(), Connector: localConnector{}, Audit: a, Operator: "tester", RunID: "run1"})
}

// TestBatchedIntentsThenOutcomes: with a sink that stores batches, one
// step on the two hosts is one append of both intents, then one of both
// outcomes.
func TestBatchedIntentsThenOutcomes(t *testing.T) {
	req, _ := setup(t, `
diagnose "sh" "both" {
  on      = ["web"]
  command = "echo ${host.name}"
}
`, nil)
	a := &batchAudit{memAudit: &memAudit{}}
	run, err := newBatchEngine(a).Apply(context.Background(), req)
	if err != nil || run.Failed() {
		t.Fatalf("apply: %v %s", err, run.Err)
	}
	want := [][]string{{"step_start a", "step_start b"}, {"step_finish a", "step_finish b"}}
	if d := cmp.Diff(want, a.batches); d != "" {
		t.Errorf("batches (-want +got):\n%s", d)
	}
}

// TestBatchedAuditFullMeansNoRepair: the batch of a repair's intents
// cannot be stored, so the repair runs on no host and the run stops.
func TestBatchedAuditFullMeansNoRepair(t *testing.T) {
	req, dir := setup(t, incidentLike, map[string]string{"token": "s3cret-token"})
	ca := filepath.Join(dir, "ca.pem")
	os.WriteFile(ca, []byte("bad"), 0o600)
	a := &batchAudit{memAudit: &memAudit{failAfter: 4}} // run_start, diagnose start+finish, approval
	req.Approver = &grant{allow: map[string]bool{"repair.danger_write.install": true}}
	run, err := newBatchEngine(a).Apply(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got := statuses(run); got[1] != "repair.danger_write.install failed" || got[2] != "diagnose.sh.after not-run" {
		t.Errorf("statuses = %q", got)
	}
	if h := run.Steps[1].Hosts[0]; !strings.Contains(h.Error, "no space left on device") || !strings.Contains(h.Error, "not run (fail closed)") {
		t.Errorf("install error = %q", h.Error)
	}
	if got, _ := os.ReadFile(ca); string(got) != "bad" {
		t.Errorf("file changed to %q although its intent was not recorded", got)
	}
}
