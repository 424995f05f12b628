package audit

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// twoRuns is r1 (alice, ca.mend.hcl) interleaved with r2 (bob, disk.mend.hcl).
func twoRuns() []Record {
	return []Record{
		{RunID: "r1", Event: EventRunStart, Operator: "alice", Runbook: "runbooks/ca.mend.hcl", RunbookSHA256: "aaaabbbbccccdddd"},
		{RunID: "r1", Event: EventStepStart, Step: "diagnose.file_read.ca", Host: "web1"},
		{RunID: "r2", Event: EventRunStart, Operator: "bob", Runbook: "disk.mend.hcl", RunbookSHA256: "1111222233334444"},
		{RunID: "r1", Event: EventStepFinish, Step: "diagnose.file_read.ca", Host: "web1", Outcome: OutcomeOK},
		{RunID: "r2", Event: EventStepStart, Step: `repair.file.conf["a"]`, Host: "web2"},
		{RunID: "r1", Event: EventStepStart, Step: "repair.file.confx", Host: "web1"},
		{RunID: "r2", Event: EventStepFinish, Step: `repair.file.conf["a"]`, Host: "web2", Outcome: OutcomeChanged},
		{RunID: "r1", Event: EventRunEnd, Outcome: OutcomeOK},
	}
}

func TestFilter(t *testing.T) {
	recs := twoRuns()
	base := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	for i := range recs {
		recs[i].Seq = uint64(i + 1)
		recs[i].Time = base.Add(time.Duration(i) * time.Minute)
	}
	for _, tc := range []struct {
		name string
		f    Filter
		want []uint64
	}{
		{"zero matches all", Filter{}, []uint64{1, 2, 3, 4, 5, 6, 7, 8}},
		{"run", Filter{RunID: "r2"}, []uint64{3, 5, 7}},
		{"operator through run_start", Filter{Operator: "bob"}, []uint64{3, 5, 7}},
		{"runbook by path", Filter{Runbook: "runbooks/ca.mend.hcl"}, []uint64{1, 2, 4, 6, 8}},
		{"runbook by base name", Filter{Runbook: "ca.mend.hcl"}, []uint64{1, 2, 4, 6, 8}},
		{"runbook by sha256 prefix", Filter{Runbook: "11112222"}, []uint64{3, 5, 7}},
		{"short sha prefix is not a match", Filter{Runbook: "1111"}, nil},
		{"host", Filter{Host: "web2"}, []uint64{5, 7}},
		{"step address takes instances", Filter{Step: "repair.file.conf"}, []uint64{5, 7}},
		{"step prefix at a dot", Filter{Step: "repair.file"}, []uint64{5, 6, 7}},
		{"step phase", Filter{Step: "diagnose"}, []uint64{2, 4}},
		{"since and until inclusive", Filter{Since: base.Add(2 * time.Minute), Until: base.Add(4 * time.Minute)}, []uint64{3, 4, 5}},
		{"all at once", Filter{RunID: "r1", Host: "web1", Step: "diagnose", Operator: "alice", Until: base.Add(2 * time.Minute)}, []uint64{2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []uint64
			for _, r := range tc.f.Apply(recs) {
				got = append(got, r.Seq)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Apply (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	now := time.Date(2026, 12, 5, 20, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"2026-12-05T19:00:00Z", time.Date(2026, 12, 5, 19, 0, 0, 0, time.UTC)},
		{"2026-12-05T19:00:00.5+01:00", time.Date(2026, 12, 5, 18, 0, 0, 5e8, time.UTC)},
		{"2026-12-04", time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)},
		{"90m", now.Add(-90 * time.Minute)},
	} {
		got, err := ParseTime(tc.in, now)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"yesterday", "-5m", ""} {
		if _, err := ParseTime(bad, now); err == nil {
			t.Errorf("ParseTime(%q) succeeded", bad)
		}
	}
}
