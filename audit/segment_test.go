package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// exportTest writes a log of a first run, then r1 and r2 interleaved,
// then a last run, and exports r1.
func exportTest(t *testing.T) (logPath, segPath string, h SegmentHeader) {
	t.Helper()
	l := openTest(t)
	appendAll(t, l, []Record{{RunID: "r0", Event: EventRunStart}, {RunID: "r0", Event: EventRunEnd, Outcome: OutcomeOK}})
	appendAll(t, l, twoRuns())
	appendAll(t, l, []Record{{RunID: "r9", Event: EventRunStart}})
	segPath = filepath.Join(t.TempDir(), "r1.segment.jsonl")
	f, err := os.Create(segPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err = Export(l.Path(), "r1", f, time.Date(2026, 12, 5, 20, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return l.Path(), segPath, h
}

func TestExportSegment(t *testing.T) {
	logPath, segPath, h := exportTest(t)
	logLines := rawLines(t, logPath)
	// r1 runs from record 3 to record 10; record 2 is the link.
	if h.FirstSeq != 3 || h.LastSeq != 10 || h.Records != 5 || h.Others != 3 {
		t.Errorf("header = %+v; want records 3..10, 5 of r1 and 3 of r2", h)
	}
	if h.Prev != lineSHA256(logLines[1]) || h.LastSHA256 != lineSHA256(logLines[9]) {
		t.Errorf("header hashes %s, %s are not those of records 2 and 10 of the log", h.Prev, h.LastSHA256)
	}
	seg := rawLines(t, segPath)
	if len(seg) != 9 || !bytes.Equal(bytes.Join(seg[1:], []byte("\n")), bytes.Join(logLines[2:10], []byte("\n"))) {
		t.Errorf("segment body is not records 3..10 of the log, byte for byte")
	}
	if !IsSegment(segPath) || IsSegment(logPath) {
		t.Errorf("IsSegment: segment %v, log %v", IsSegment(segPath), IsSegment(logPath))
	}
	got, err := VerifySegment(segPath)
	if err != nil || got != h {
		t.Errorf("VerifySegment = %+v, %v; want %+v", got, err, h)
	}
}

func TestExportRefuses(t *testing.T) {
	logPath, _, _ := exportTest(t)
	if _, err := Export(logPath, "nope", &bytes.Buffer{}, time.Now()); err == nil || !strings.Contains(err.Error(), `no run "nope"`) {
		t.Errorf("Export of a missing run: %v", err)
	}
	b, _ := os.ReadFile(logPath)
	write(logPath, bytes.Replace(b, []byte(`"web2"`), []byte(`"web3"`), 1))
	if _, err := Export(logPath, "r1", &bytes.Buffer{}, time.Now()); err == nil || !strings.Contains(err.Error(), "does not verify") {
		t.Errorf("Export of a tampered log: %v", err)
	}
}

func TestVerifySegmentCatchesTampering(t *testing.T) {
	_, segPath, _ := exportTest(t)
	orig, _ := os.ReadFile(segPath)
	edit := func(f func(lines [][]byte) [][]byte) []byte {
		lines := bytes.Split(bytes.TrimSuffix(orig, []byte("\n")), []byte("\n"))
		return append(bytes.Join(f(lines), []byte("\n")), '\n')
	}
	for _, tc := range []struct {
		name    string
		content []byte
		want    string
	}{
		{"a record of the run changed", bytes.Replace(orig, []byte(`"web1"`), []byte(`"web9"`), 1), "was changed"},
		{"a record of another run changed", bytes.Replace(orig, []byte(`"web2"`), []byte(`"web9"`), 1), "was changed"},
		{"the last record changed", edit(func(l [][]byte) [][]byte {
			l[len(l)-1] = bytes.Replace(l[len(l)-1], []byte(`"ok"`), []byte(`"failed"`), 1)
			return l
		}), "last_sha256"},
		{"a record removed", edit(func(l [][]byte) [][]byte { return append(l[:3:3], l[4:]...) }), "where record 5 was expected"},
		{"the last record cut", edit(func(l [][]byte) [][]byte { return l[:len(l)-1] }), "ends at record 9"},
		{"records swapped", edit(func(l [][]byte) [][]byte { l[2], l[3] = l[3], l[2]; return l }), "where record 4 was expected"},
		{"chained elsewhere", bytes.Replace(orig, []byte(`"prev":"`), []byte(`"prev":"0`), 1), "sha256 hex"},
		{"chained to another record", edit(func(l [][]byte) [][]byte {
			var h SegmentHeader
			json.Unmarshal(l[0], &h)
			h.Prev = strings.Repeat("0", 64)
			l[0], _ = json.Marshal(h)
			return l
		}), "the record the header says the segment chains to"},
		{"torn", orig[:len(orig)-3], "torn"},
		{"not a segment", []byte(`{"seq":1}` + "\n"), "not a version 1 segment header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "seg.jsonl")
			write(p, tc.content)
			_, err := VerifySegment(p)
			var ve *VerifyError
			if !errors.As(err, &ve) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("VerifySegment = %v; want a VerifyError containing %q", err, tc.want)
			}
		})
	}
}

// TestVerifySegmentRewrittenHeader: a header rewritten to fit an edited
// last record verifies on its own; its last_sha256 then differs from the
// log's, which is what the auditor compares.
func TestVerifySegmentRewrittenHeader(t *testing.T) {
	logPath, segPath, h := exportTest(t)
	b, _ := os.ReadFile(segPath)
	lines := bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n"))
	last := bytes.Replace(lines[len(lines)-1], []byte(`"ok"`), []byte(`"failed"`), 1)
	lines[len(lines)-1] = last
	h2 := h
	h2.LastSHA256 = lineSHA256(last)
	lines[0], _ = json.Marshal(h2)
	write(segPath, append(bytes.Join(lines, []byte("\n")), '\n'))
	got, err := VerifySegment(segPath)
	if err != nil {
		t.Fatalf("VerifySegment: %v", err)
	}
	if got.LastSHA256 == lineSHA256(rawLines(t, logPath)[9]) {
		t.Error("the rewritten segment's last_sha256 still matches the log")
	}
}

func rawLines(t *testing.T, path string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n"))
}

func TestMatchSegment(t *testing.T) {
	logPath, segPath, h := exportTest(t)
	if err := MatchSegment(h, logPath); err != nil {
		t.Fatalf("MatchSegment of its own log: %v", err)
	}
	// A segment rewritten whole (header included) verifies alone, but
	// not against the log.
	b, _ := os.ReadFile(segPath)
	lines := bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n"))
	lines[len(lines)-1] = bytes.Replace(lines[len(lines)-1], []byte(`"ok"`), []byte(`"failed"`), 1)
	h2 := h
	h2.LastSHA256 = lineSHA256(lines[len(lines)-1])
	lines[0], _ = json.Marshal(h2)
	write(segPath, append(bytes.Join(lines, []byte("\n")), '\n'))
	got, err := VerifySegment(segPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := MatchSegment(got, logPath); err == nil || !strings.Contains(err.Error(), "record 10") {
		t.Errorf("MatchSegment of a rewritten segment: %v", err)
	}
	other := h
	other.Prev = strings.Repeat("a", 64)
	if err := MatchSegment(other, logPath); err == nil || !strings.Contains(err.Error(), "chains to") {
		t.Errorf("MatchSegment chained elsewhere: %v", err)
	}
	beyond := h
	beyond.LastSeq = 99
	if err := MatchSegment(beyond, logPath); err == nil || !strings.Contains(err.Error(), "no record 99") {
		t.Errorf("MatchSegment past the log: %v", err)
	}
}
