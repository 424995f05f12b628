package audit

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// IsSegment reports whether the file at path starts with a segment
// header (Export) rather than a log record; `mend audit verify` uses it
// to pick VerifySegment or Verify.
func IsSegment(path string) bool {
	f, err := openRegular(path, os.O_RDONLY, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	line, _, err := readLine(bufio.NewReader(io.LimitReader(f, maxRecordBytes)))
	if err != nil {
		return false
	}
	var probe struct {
		Version int `json:"mend_audit_segment"`
	}
	return json.Unmarshal(line, &probe) == nil && probe.Version > 0
}

// VerifySegment checks a segment file (Export) on its own: its header,
// then every line from FirstSeq on, each record's prev the sha256 of the
// line before it (the header's Prev for the first), seq without gaps up
// to LastSeq, the counts of the run's and other runs' records, and the
// last line's sha256 equal to the header's LastSHA256. A record changed,
// removed, added or moved inside the segment fails it with a
// *VerifyError naming the record. What ties the segment to the log it
// came from is Prev and LastSHA256, which the caller reports: a segment
// rewritten whole is consistent with itself, and only the log (or a
// signed checkpoint) tells it apart.
func VerifySegment(path string) (SegmentHeader, error) {
	f, err := openRegular(path, os.O_RDONLY, 0)
	if err != nil {
		return SegmentHeader{}, fmt.Errorf("audit segment %s: %w", path, openErr(err))
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	h, err := readSegmentHeader(r, path)
	if err != nil {
		return h, err
	}
	sv := segmentVerifier{path: path, h: h, prev: h.Prev, want: h.FirstSeq, line: 1}
	if err := sv.lines(r); err != nil {
		return h, err
	}
	return h, sv.end()
}

func readSegmentHeader(r *bufio.Reader, path string) (SegmentHeader, error) {
	var h SegmentHeader
	line, complete, err := readLine(r)
	if err != nil || !complete {
		return h, &VerifyError{Path: path, Line: 1, Reason: "the segment header cannot be read"}
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil || h.Version != SegmentVersion {
		return h, &VerifyError{Path: path, Line: 1, Reason: fmt.Sprintf("line 1 is not a version %d segment header", SegmentVersion)}
	}
	switch {
	case h.FirstSeq == 0 || h.LastSeq < h.FirstSeq:
		return h, &VerifyError{Path: path, Line: 1, Reason: fmt.Sprintf("the header's range %d..%d is not a range of records", h.FirstSeq, h.LastSeq)}
	case (h.FirstSeq == 1) != (h.Prev == ""):
		return h, &VerifyError{Path: path, Line: 1, Reason: "the header's prev does not fit its first record (only record 1 has no prev)"}
	case h.Prev != "" && !isSHA256(h.Prev), !isSHA256(h.LastSHA256):
		return h, &VerifyError{Path: path, Line: 1, Reason: "the header's hashes are not sha256 hex digests"}
	}
	return h, nil
}

// segmentVerifier walks a segment's lines after the header.
type segmentVerifier struct {
	path    string
	h       SegmentHeader
	prev    string // sha256 the next record's prev must be
	want    uint64 // seq the next line must have
	line    int
	records int
	others  int
}

func (sv *segmentVerifier) lines(r *bufio.Reader) error {
	for {
		raw, complete, err := readLine(r)
		if err == io.EOF {
			return nil
		}
		sv.line++
		if err != nil || !complete {
			return sv.fail(fmt.Sprintf("line %d is torn or unreadable where record %d was expected", sv.line, sv.want))
		}
		if err := sv.check(raw); err != nil {
			return err
		}
		sv.want++
	}
}

// check checks one line.
func (sv *segmentVerifier) check(raw []byte) error {
	var rec Record
	if err := json.Unmarshal(raw, &rec); err != nil || rec.Seq == 0 {
		return sv.fail(fmt.Sprintf("line %d is not an audit record where record %d was expected", sv.line, sv.want))
	}
	if rec.Seq != sv.want {
		return sv.fail(fmt.Sprintf("line %d holds record %d where record %d was expected (lines removed, added or moved)", sv.line, rec.Seq, sv.want))
	}
	if rec.Prev != sv.prev {
		what := "the line before it"
		if sv.want == sv.h.FirstSeq {
			what = "the record the header says the segment chains to"
		}
		return sv.fail(fmt.Sprintf("record %d's prev is not the sha256 of %s: record %d or the one before it was changed", sv.want, what, sv.want))
	}
	if rec.RunID == sv.h.RunID {
		sv.records++
	} else {
		sv.others++
	}
	sv.prev = lineSHA256(raw)
	return nil
}

// end checks that the segment ends where and as its header says.
func (sv *segmentVerifier) end() error {
	switch {
	case sv.want-1 != sv.h.LastSeq:
		return sv.fail(fmt.Sprintf("the segment ends at record %d, but its header says %d (records were cut or added at the end)", sv.want-1, sv.h.LastSeq))
	case sv.prev != sv.h.LastSHA256:
		return sv.fail(fmt.Sprintf("record %d's sha256 is not the header's last_sha256: it was changed", sv.h.LastSeq))
	case sv.records == 0 || sv.records != sv.h.Records || sv.others != sv.h.Others:
		return sv.fail(fmt.Sprintf("the segment holds %d records of run %q and %d of other runs; its header says %d and %d", sv.records, sv.h.RunID, sv.others, sv.h.Records, sv.h.Others))
	}
	return nil
}

func (sv *segmentVerifier) fail(reason string) error {
	return &VerifyError{Path: sv.path, Seq: sv.want, Line: sv.line, Reason: reason}
}

func isSHA256(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == 32 && hex.EncodeToString(b) == s
}
