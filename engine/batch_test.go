package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// waitingAudit is a batchAudit whose append of a batch of intents waits
// (up to 5 s) until the files in ran exist: the diagnosis must be
// running while its intents are written.
type waitingAudit struct {
	*batchAudit
	ran     []string
	waited  bool // an intent batch returned without seeing them
	intents int
}

func (w *waitingAudit) AppendBatch(rs []audit.Record) ([]audit.Record, []error) {
	if len(rs) > 0 && rs[0].Event == audit.EventStepStart {
		w.intents++
		deadline := time.Now().Add(5 * time.Second)
		for _, f := range w.ran {
			for {
				if _, err := os.Stat(f); err == nil {
					break
				}
				if time.Now().After(deadline) {
					w.waited = true
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
	}
	return w.batchAudit.AppendBatch(rs)
}

// TestDiagnosisRunsWhileItsIntentsAreWritten: a diagnosis changes
// nothing, so its hosts start while the batch of its intents is being
// made durable (the fsync overlaps their work); the log still has the
// intents before the outcomes.
func TestDiagnosisRunsWhileItsIntentsAreWritten(t *testing.T) {
	req, dir := setup(t, `
diagnose "sh" "both" {
  on      = ["web"]
  command = "touch %DIR%/ran-${host.name}"
}
`, nil)
	a := &waitingAudit{batchAudit: &batchAudit{memAudit: &memAudit{}},
		ran: []string{filepath.Join(dir, "ran-a"), filepath.Join(dir, "ran-b")}}
	e := engine.New(engine.Options{Registry: testRegistry(), Connector: localConnector{}, Audit: a, Operator: "tester", RunID: "run1"})
	run, err := e.Apply(context.Background(), req)
	if err != nil || run.Failed() {
		t.Fatalf("apply: %v %s", err, run.Err)
	}
	if a.intents != 1 || a.waited {
		t.Errorf("intent batches %d, waited for the hosts in vain: %v (the diagnosis did not run while its intents were written)", a.intents, a.waited)
	}
	want := [][]string{{"step_start a", "step_start b"}, {"step_finish a", "step_finish b"}}
	if d := cmp.Diff(want, a.batches); d != "" {
		t.Errorf("batches (-want +got):\n%s", d)
	}
}

// TestDiagnosisIntentNotStored: the intents of a diagnosis cannot be
// stored (the disk is full after run_start): the diagnosis has run
// (read-only) but fails, saying it is not recorded; the run stops, and
// the repair after it runs nowhere.
func TestDiagnosisIntentNotStored(t *testing.T) {
	req, dir := setup(t, `
diagnose "sh" "first" {
  on      = ["web"]
  command = "true"
}

repair "write" "w" {
  on      = ["a"]
  path    = "%DIR%/w"
  content = "x"
}
`, nil)
	a := &batchAudit{memAudit: &memAudit{failAfter: 1}}
	req.Approver = &grant{allow: map[string]bool{}}
	run, err := newBatchEngine(a).Apply(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got := statuses(run); got[0] != "diagnose.sh.first failed" || got[1] != "repair.write.w not-run" {
		t.Errorf("statuses = %q", got)
	}
	for _, h := range run.Steps[0].Hosts {
		if !strings.Contains(h.Error, "no space left on device") || !strings.Contains(h.Error, "ran there (it changes nothing) but is not recorded") {
			t.Errorf("%s: error = %q", h.Host, h.Error)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "w")); !os.IsNotExist(err) {
		t.Errorf("the repair ran after the audit log failed: %v", err)
	}
}
