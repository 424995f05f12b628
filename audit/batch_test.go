package audit

import (
	"strings"
	"syscall"
	"testing"
)

// TestAppendBatchOneFsync: a batch is one write and one fsync, its
// records consecutive and chained; a record too large fails alone, an
// invalid one is refused before anything is written.
func TestAppendBatchOneFsync(t *testing.T) {
	l := openTest(t)
	appendAll(t, l, sixRecords()[:1])
	syncs := 0
	l.sync = func() error { syncs++; return l.f.Sync() }
	recs := []Record{
		{RunID: "r1", Event: EventStepStart, Step: "diagnose.command.c", Host: "web1"},
		{RunID: "r1", Event: EventStepStart, Step: "diagnose.command.c", Host: "web2", Command: strings.Repeat("x", maxRecordBytes)},
		{RunID: "r1", Event: EventStepStart, Host: "web3"}, // no step: invalid
		{RunID: "r1", Event: EventStepStart, Step: "diagnose.command.c", Host: "web4"},
	}
	stored, errs := l.AppendBatch(recs)
	if syncs != 1 {
		t.Errorf("batch took %d fsyncs, want 1", syncs)
	}
	if errs[0] != nil || errs[3] != nil || errs[1] == nil || errs[2] == nil {
		t.Fatalf("errors = %v, want the second (too large) and third (invalid) only", errs)
	}
	if stored[0].Seq != 2 || stored[3].Seq != 3 || stored[3].Prev == "" {
		t.Errorf("stored seqs %d and %d, want 2 and 3", stored[0].Seq, stored[3].Seq)
	}
	if rep, err := Verify(l.Path()); err != nil || rep.Records != 3 || len(rep.Warnings) != 0 {
		t.Errorf("Verify = %+v, %v", rep, err)
	}
}

// TestAppendBatchFailsWhole: when the write fails, no record of the batch
// is stored (fail closed for every host), and the chain does not move.
func TestAppendBatchFailsWhole(t *testing.T) {
	l := openTest(t)
	appendAll(t, l, sixRecords()[:1])
	l.sync = func() error { return syscall.EIO }
	_, errs := l.AppendBatch(sixRecords()[1:4])
	for i, err := range errs {
		if err == nil || !strings.Contains(err.Error(), "record not stored") {
			t.Errorf("record %d: %v, want 'record not stored'", i, err)
		}
	}
	l.sync = l.f.Sync
	if seq, _ := l.Last(); seq != 1 {
		t.Fatalf("chain at %d after a failed batch, want 1", seq)
	}
	if rep, err := Verify(l.Path()); err != nil || rep.Records != 1 {
		t.Errorf("Verify = %+v, %v", rep, err)
	}
}
