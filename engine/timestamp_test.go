package engine_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/engine"
)

const timestampRunbook = `
diagnose "sh" "first" {
  on      = ["a", "b"]
  command = "echo ${timestamp()}"
  expect {
    condition = self.stdout == "2026-12-05T08:30:00Z"
    message   = "timestamp() is not the run's start"
  }
}

diagnose "sh" "later" {
  on      = ["a"]
  command = "sleep 0.1"
  expect {
    condition = diagnose.sh.first.hosts["b"].stdout == timestamp() && timecmp(timestamp(), "2026-12-05T09:30:00+01:00") == 0
    message   = "timestamp() moved during the run"
  }
}
`

// TestTimestampIsTheRunStart runs with a clock that moves an hour on every
// reading: timestamp() must still be the first reading, the run's start,
// in every step and on every host.
func TestTimestampIsTheRunStart(t *testing.T) {
	req, _ := setup(t, timestampRunbook, nil)
	var mu sync.Mutex
	now := time.Date(2026, 12, 5, 8, 30, 0, 0, time.UTC)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t := now
		now = now.Add(time.Hour)
		return t
	}
	e := engine.New(engine.Options{Registry: testRegistry(), Connector: localConnector{}, Audit: &memAudit{}, Operator: "tester", RunID: "run1", Now: clock})
	run, err := e.Apply(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"diagnose.sh.first ok", "diagnose.sh.later ok"}
	if d := cmp.Diff(want, statuses(run)); d != "" {
		t.Errorf("statuses (-want +got):\n%s\n%+v", d, run.Steps[len(run.Steps)-1].Hosts[0])
	}
}
