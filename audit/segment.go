package audit

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// SegmentVersion is the format version a segment's header carries.
const SegmentVersion = 1

// SegmentHeader is the first line of an exported segment: which log and
// run it comes from and the two hashes that tie it to that log. Prev is
// the sha256 of the record before the segment (FirstSeq-1; "" when the
// segment starts at record 1), LastSHA256 that of its last record: an
// auditor compares them with the log, or with a signed checkpoint of it.
type SegmentHeader struct {
	Version    int       `json:"mend_audit_segment"`
	Log        string    `json:"log"`
	RunID      string    `json:"run_id"`
	FirstSeq   uint64    `json:"first_seq"`
	LastSeq    uint64    `json:"last_seq"`
	Prev       string    `json:"prev"`
	LastSHA256 string    `json:"last_sha256"`
	Records    int       `json:"records"` // the run's records
	Others     int       `json:"others"`  // records of other runs between them
	Exported   time.Time `json:"exported"`
}

// Export writes to w the segment of the audit log at path that holds run
// runID: a SegmentHeader line, then every line from the run's first
// record to its last exactly as stored, those of other runs included
// (concurrent runs interleave): a line left out, or stood in for by its
// hash alone, could hide a record of the run from the segment's reader.
// VerifySegment checks such a file on its own. Export first verifies the
// whole log (Verify) and refuses a log that does not verify, or a run it
// does not hold.
func Export(path, runID string, w io.Writer, now time.Time) (SegmentHeader, error) {
	if _, err := Verify(path); err != nil {
		return SegmentHeader{}, fmt.Errorf("the log does not verify, so no segment of it can be trusted: %w", err)
	}
	lines, err := ReadLines(path)
	if err != nil {
		return SegmentHeader{}, err
	}
	first, last := -1, -1
	for i, l := range lines {
		if l.RunID == runID {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return SegmentHeader{}, fmt.Errorf("the audit log %s has no run %q (see mend audit runs)", path, runID)
	}
	h := SegmentHeader{Version: SegmentVersion, Log: path, RunID: runID, FirstSeq: lines[first].Seq, LastSeq: lines[last].Seq,
		Prev: lines[first].Prev, LastSHA256: lineSHA256(lines[last].Raw), Exported: now.UTC()}
	body, err := segmentBody(lines[first:last+1], runID, &h)
	if err != nil {
		return h, err
	}
	bw := bufio.NewWriter(w)
	head, err := json.Marshal(h)
	if err != nil {
		return h, err
	}
	bw.Write(append(head, '\n'))
	bw.Write(body)
	return h, bw.Flush()
}

// segmentBody is the segment's lines after the header; it counts them in h.
func segmentBody(lines []Line, runID string, h *SegmentHeader) ([]byte, error) {
	var out []byte
	for _, l := range lines {
		if l.RunID == runID {
			h.Records++
		} else {
			h.Others++
		}
		out = append(append(out, l.Raw...), '\n')
	}
	return out, nil
}
