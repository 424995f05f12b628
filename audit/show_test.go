package audit

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestUnfinished(t *testing.T) {
	start := func(run, step, host string) Record {
		return Record{RunID: run, Event: EventStepStart, Step: step, Host: host}
	}
	finish := func(run, step, host string) Record {
		return Record{RunID: run, Event: EventStepFinish, Step: step, Host: host, Outcome: OutcomeOK}
	}
	for _, tc := range []struct {
		name string
		recs []Record
		want []Record
	}{
		{"all finished", []Record{start("r", "a", "h"), finish("r", "a", "h")}, []Record{}},
		{"one open", []Record{start("r", "a", "h1"), start("r", "a", "h2"), finish("r", "a", "h1")},
			[]Record{start("r", "a", "h2")}},
		{"finish in another run does not close", []Record{start("r1", "a", "h"), finish("r2", "a", "h")},
			[]Record{start("r1", "a", "h")}},
		{"retried step needs a finish per start", []Record{start("r", "a", "h"), finish("r", "a", "h"), start("r", "a", "h")},
			[]Record{start("r", "a", "h")}},
		{"log order kept", []Record{start("r", "b", "h"), start("r", "a", "h")},
			[]Record{start("r", "b", "h"), start("r", "a", "h")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Unfinished(tc.recs)); diff != "" {
				t.Errorf("Unfinished (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadAllStopsAtTornLine(t *testing.T) {
	l := openTest(t)
	appendAll(t, l, sixRecords())
	b, _ := os.ReadFile(l.Path())
	write(l.Path(), b[:len(b)-10])
	recs, err := ReadAll(l.Path())
	if len(recs) != 5 || err == nil || !strings.Contains(err.Error(), ":6: the last line is torn") {
		t.Errorf("ReadAll = %d records, %v; want 5 and an error naming line 6", len(recs), err)
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("HOME", "/home/alice")
	for _, tc := range []struct{ xdg, want string }{
		{"/var/state", "/var/state/mend/audit.jsonl"},
		{"", "/home/alice/.local/state/mend/audit.jsonl"},
		{"relative/state", "/home/alice/.local/state/mend/audit.jsonl"},
	} {
		t.Setenv("XDG_STATE_HOME", tc.xdg)
		got, err := DefaultPath()
		if err != nil || got != tc.want {
			t.Errorf("XDG_STATE_HOME=%q: DefaultPath() = %q, %v; want %q", tc.xdg, got, err, tc.want)
		}
	}
}
