package audit

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeClock returns a clock that starts at a fixed time and advances by
// 1.5 s per call.
func fakeClock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(1500 * time.Millisecond)
		return t
	}
}

// openTest opens a log in a fresh temporary directory with a fake clock.
func openTest(t *testing.T) *Log {
	t.Helper()
	l, err := Open(filepath.Join(t.TempDir(), "state", "mend", "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	l.SetClock(fakeClock())
	t.Cleanup(func() { l.Close() })
	return l
}

// sixRecords is a small run: start, two steps, end.
func sixRecords() []Record {
	code := 0
	return []Record{
		{RunID: "r1", Event: EventRunStart, Mode: ModeApply, Operator: "alice", Runbook: "ca.mend.hcl"},
		{RunID: "r1", Event: EventStepStart, Step: "diagnose.file.ca", Host: "web1", Command: "cat /etc/ca.pem"},
		{RunID: "r1", Event: EventStepFinish, Step: "diagnose.file.ca", Host: "web1", Outcome: OutcomeOK, ExitCode: &code},
		{RunID: "r1", Event: EventStepStart, Step: "repair.file.install_ca", Host: "web1"},
		{RunID: "r1", Event: EventStepFinish, Step: "repair.file.install_ca", Host: "web1", Outcome: OutcomeChanged},
		{RunID: "r1", Event: EventRunEnd, Outcome: OutcomeChanged},
	}
}

func appendAll(t *testing.T, l *Log, recs []Record) []Record {
	t.Helper()
	var out []Record
	for _, r := range recs {
		s, err := l.Append(r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func TestAppendThenVerify(t *testing.T) {
	l := openTest(t)
	stored := appendAll(t, l, sixRecords())
	rep, err := Verify(l.Path())
	if err != nil {
		t.Fatal(err)
	}
	want := Report{Records: 6, Runs: 1, First: stored[0].Time, Last: stored[5].Time}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	read, err := ReadAll(l.Path())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(stored, read); diff != "" {
		t.Errorf("ReadAll differs from what Append returned (-stored +read):\n%s", diff)
	}
	lines := readLines(t, l.Path())
	if read[0].Prev != "" || read[1].Prev != lineSHA256(lines[0]) || read[5].Seq != 6 {
		t.Errorf("chain fields wrong: %+v", read[:2])
	}
	if !bytes.Contains(lines[0], []byte(`"time":"2026-11-29T10:00:01.5Z"`)) {
		t.Errorf("time not RFC 3339 UTC: %s", lines[0])
	}
	seq, sha := l.Last()
	if seq != 6 || sha != lineSHA256(lines[5]) {
		t.Errorf("Last() = %d %s", seq, sha)
	}
}

func TestAppendSetsChainFieldsAndValidates(t *testing.T) {
	l := openTest(t)
	got, err := l.Append(Record{Seq: 99, Prev: "forged", Time: time.Unix(1, 0), RunID: "r", Event: EventRunStart})
	if err != nil {
		t.Fatal(err)
	}
	if got.Seq != 1 || got.Prev != "" || !got.Time.Equal(time.Date(2026, 11, 29, 10, 0, 1, 5e8, time.UTC)) {
		t.Errorf("Append kept caller's chain fields: %+v", got)
	}
	for _, tc := range []struct {
		name string
		rec  Record
		want string
	}{
		{"no event", Record{RunID: "r"}, "has no event"},
		{"unknown event", Record{RunID: "r", Event: "deleted"}, `unknown event "deleted"`},
		{"unknown mode", Record{RunID: "r", Event: EventRunStart, Mode: "yolo"}, `unknown mode "yolo"`},
		{"unknown outcome", Record{RunID: "r", Event: EventRunEnd, Outcome: "fine"}, `unknown outcome "fine"`},
		{"no run id", Record{Event: EventRunStart}, "has no run_id"},
		{"step without address", Record{RunID: "r", Event: EventStepStart}, "has no step"},
		{"finish without outcome", Record{RunID: "r", Event: EventStepFinish, Step: "repair.x.y"}, "has no outcome"},
		{"too long", Record{RunID: "r", Event: EventNote, Command: strings.Repeat("x", maxRecordBytes)}, "over the limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := l.Append(tc.rec)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Append error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
	if seq, _ := l.Last(); seq != 1 {
		t.Errorf("refused records advanced the chain to %d", seq)
	}
	if _, err := l.Append(Record{Event: EventNote, Reason: "a note needs no run"}); err != nil {
		t.Error(err)
	}
}

func TestOpenCreatesPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "mend")
	l, err := Open(filepath.Join(dir, "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	appendAll(t, l, sixRecords()[:1])
	for path, want := range map[string]os.FileMode{
		dir:                           os.ModeDir | 0o700,
		filepath.Dir(dir):             os.ModeDir | 0o700,
		l.Path():                      0o600,
		headPath(l.Path()):            0o600,
		filepath.Join(dir, "missing"): 0,
	} {
		fi, err := os.Stat(path)
		if want == 0 {
			if err == nil {
				t.Errorf("%s exists", path)
			}
			continue
		}
		if err != nil || fi.Mode() != want {
			t.Errorf("%s: mode %v, err %v; want %v", path, fi.Mode(), err, want)
		}
	}
}

func TestReopenContinuesChain(t *testing.T) {
	l := openTest(t)
	appendAll(t, l, sixRecords()[:3])
	l.Close()
	l2, err := Open(l.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	l2.SetClock(fakeClock())
	if seq, _ := l2.Last(); seq != 3 {
		t.Fatalf("reopened log at seq %d, want 3", seq)
	}
	got := appendAll(t, l2, sixRecords()[3:])
	lines := readLines(t, l.Path())
	if got[0].Seq != 4 || got[0].Prev != lineSHA256(lines[2]) {
		t.Errorf("first record after reopen: seq %d prev %s", got[0].Seq, got[0].Prev)
	}
	if rep, err := Verify(l.Path()); err != nil || rep.Records != 6 {
		t.Errorf("Verify = %+v, %v", rep, err)
	}
}

func TestConcurrentAppends(t *testing.T) {
	l := openTest(t)
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				_, err := l.Append(Record{RunID: fmt.Sprintf("w%d", w), Event: EventNote, Reason: fmt.Sprint(i)})
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	rep, err := Verify(l.Path())
	if err != nil || rep.Records != workers*each || rep.Runs != workers {
		t.Fatalf("Verify = %+v, %v", rep, err)
	}
}

// TestTwoLogsOnOneFile opens the file twice, as two mend processes would:
// the flock is per open file, so the two must take turns and each must
// pick up the other's records before appending.
func TestTwoLogsOnOneFile(t *testing.T) {
	a := openTest(t)
	b, err := Open(a.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var wg sync.WaitGroup
	for _, l := range []*Log{a, b} {
		wg.Go(func() {
			for range 40 {
				if _, err := l.Append(Record{RunID: l.Path(), Event: EventNote}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if rep, err := Verify(a.Path()); err != nil || rep.Records != 80 {
		t.Fatalf("Verify = %+v, %v", rep, err)
	}
}

// readLines returns the log's lines without newlines.
func readLines(t *testing.T, path string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n"))
}
