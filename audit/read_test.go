package audit

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReadUnfinishedMatchesUnfinished writes random logs of starts,
// finishes and other events over a few runs, steps and hosts, and checks
// that the streaming ReadUnfinished finds exactly what Unfinished finds in
// ReadAll's records.
func TestReadUnfinishedMatchesUnfinished(t *testing.T) {
	events := []Event{EventStepStart, EventStepStart, EventStepFinish, EventStepFinish, EventNote, EventRunStart}
	for seed := range uint64(20) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 1))
			var b strings.Builder
			for i := range 50 + rng.IntN(400) {
				r := Record{Seq: uint64(i + 1), Event: events[rng.IntN(len(events))], Outcome: OutcomeOK,
					RunID: fmt.Sprint("r", rng.IntN(3)), Step: fmt.Sprint("repair.s", rng.IntN(3)), Host: fmt.Sprint("h", rng.IntN(2))}
				line, _ := json.Marshal(r)
				b.Write(append(line, '\n'))
			}
			path := filepath.Join(t.TempDir(), "audit.jsonl")
			write(path, []byte(b.String()))
			recs, err := ReadAll(path)
			if err != nil {
				t.Fatal(err)
			}
			want := Unfinished(recs)
			got, err := ReadUnfinished(path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ReadUnfinished (-Unfinished +got):\n%s", diff)
			}
			if len(want) == 0 {
				t.Error("generated log has no unfinished steps: the comparison proves little")
			}
		})
	}
}

func TestReadUnfinishedRefusesBadLines(t *testing.T) {
	l := openTest(t)
	appendAll(t, l, sixRecords()[:2])
	b, _ := os.ReadFile(l.Path())
	for _, tc := range []struct {
		name, log, want string
	}{
		{"torn last line", string(b[:len(b)-5]), ":2: the last line is torn"},
		{"not a record", string(b) + "[1]\n", ":3: not an audit record"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			write(l.Path(), []byte(tc.log))
			got, err := ReadUnfinished(l.Path())
			if got != nil || err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadUnfinished = %v, %v; want nil and an error containing %q", got, err, tc.want)
			}
		})
	}
}
