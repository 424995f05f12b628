package audit

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Report summarises a log Verify read. When Verify fails, it covers the
// records before the first problem.
type Report struct {
	Records  int       // records checked
	Runs     int       // distinct run IDs among them
	First    time.Time // time of the first record
	Last     time.Time // time of the last record
	Warnings []string  // findings that are not evidence of tampering
}

// VerifyError is the first break in a log's integrity. In a sound log the
// record with seq N is on line N, so Seq and Line agree except where lines
// were added, removed or moved.
type VerifyError struct {
	Path   string
	Seq    uint64 // the first record that is missing, changed, torn or out of place
	Line   int    // 1-based line where the break was found
	Reason string // names the records involved and the likely cause
}

func (e *VerifyError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Reason)
}

// Verify checks the whole audit log at path: every line is a record, seq
// runs from 1 without gaps, each prev is the sha256 of the line before,
// the file ends with a newline, and the head file names the last record.
// It returns a *VerifyError for the first break, naming the seq where the
// log stops being trustworthy, or another error when the file cannot be
// read. It takes a shared flock, so it never sees an append half done.
func Verify(path string) (Report, error) {
	f, err := openRegular(path, os.O_RDONLY, 0)
	if err != nil {
		return Report{}, fmt.Errorf("audit log %s: %w", path, openErr(err))
	}
	defer f.Close()
	if err := flockWait(context.Background(), f, path, syscall.LOCK_SH, DefaultLockWait); err != nil {
		return Report{}, err
	}
	fi, err := f.Stat()
	if err != nil {
		return Report{}, fmt.Errorf("audit log %s: %w", path, err)
	}
	rep, err := verifyPrefix(f, path, fi.Size())
	if fi.Mode().Perm()&0o022 != 0 {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("the log file's mode %#o lets others write to it (chmod go-w %s)", fi.Mode().Perm(), path))
	}
	return rep, err
}

// verifyPrefix checks the first size bytes of f, the log at path, as
// Verify does, then compares the head file (and the pending mark) with
// the last record among them. The caller holds a flock on f.
func verifyPrefix(f *os.File, path string, size int64) (Report, error) {
	r := bufio.NewReaderSize(io.NewSectionReader(f, 0, size), 64<<10)
	v := &verifier{path: path, r: r, runs: map[string]bool{}}
	if err := v.lines(); err != nil {
		return v.report, err
	}
	h, ok, err := readHead(path)
	if err != nil {
		return v.report, &VerifyError{Path: path, Seq: v.last.Seq, Line: v.line, Reason: err.Error()}
	}
	p, pok, err := readPending(path)
	if err != nil {
		return v.report, &VerifyError{Path: path, Seq: v.last.Seq, Line: v.line, Reason: err.Error()}
	}
	c := compareHead(h, ok, p, pok, v.last.Seq, v.prevSHA)
	if c.badSeq != 0 {
		return v.report, &VerifyError{Path: path, Seq: c.badSeq, Line: int(c.badSeq), Reason: c.reason + v.describeFrom(c.badSeq)}
	}
	if c.lagging {
		v.warn("%s; the next run completes the head", c.reason)
	}
	return v.report, nil
}

// describeFrom names the records from seq on among the last few read
// ("; they are: 7 note by run r9 at ...").
func (v *verifier) describeFrom(seq uint64) string {
	var parts []string
	for _, r := range v.recent {
		if r.Seq >= seq {
			parts = append(parts, fmt.Sprintf("record %d (%s)", r.Seq, describe(r)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	more := ""
	if n := v.last.Seq - seq + 1; n > uint64(len(parts)) {
		more = fmt.Sprintf(" (the last %d of %d)", len(parts), n)
	}
	return fmt.Sprintf("; after the head%s: %s", more, strings.Join(parts, "; "))
}

// describe is a record in a few words for an error message.
func describe(r Record) string {
	s := string(r.Event)
	if r.RunID != "" {
		s += " of run " + strconv.Quote(r.RunID)
	}
	if r.Step != "" {
		s += " " + strconv.Quote(r.Step)
	}
	if r.Host != "" {
		s += " on " + strconv.Quote(r.Host)
	}
	return s + " at " + r.Time.UTC().Format(time.RFC3339)
}

// verifier walks a log line by line, stopping at the first break.
type verifier struct {
	path    string
	r       *bufio.Reader
	line    int    // lines read
	prevSHA string // sha256 of the last good line
	last    Record // last good record
	runs    map[string]bool
	recent  []Record // the last few good records, to name those past the head
	report  Report
}

// recentMax is how many records past the head a failed Verify names.
const recentMax = 5

// lines checks every line; the record expected on line i has seq i.
func (v *verifier) lines() error {
	for {
		line, complete, err := readLine(v.r)
		if err == io.EOF {
			return nil
		}
		v.line++
		want := uint64(v.line)
		if err != nil {
			return v.fail(want, fmt.Sprintf("line %d cannot be read where record %d was expected: %v", v.line, want, err))
		}
		if !complete {
			return v.fail(want, fmt.Sprintf("record %d is torn: the file does not end with a newline (an append was interrupted, or the file was truncated); `mend audit repair` cuts a torn last line if the rest of the log is sound", want))
		}
		var rec Record
		if err := json.Unmarshal(line, &rec); err != nil || rec.Seq == 0 {
			return v.fail(want, fmt.Sprintf("line %d is not a valid audit record where record %d was expected (it was changed or torn)", v.line, want))
		}
		if rec.Seq != want && rec.Prev == v.prevSHA {
			return v.fail(want, fmt.Sprintf("record %d's seq was altered to %d (its prev still links it to the line before)", want, rec.Seq))
		}
		if rec.Seq != want {
			return v.misplaced(rec, want)
		}
		if rec.Prev != v.prevSHA {
			return v.brokenLink(want, lineSHA256(line))
		}
		v.accept(rec, line)
	}
}

// misplaced explains a record found where another seq was expected.
func (v *verifier) misplaced(rec Record, want uint64) error {
	if rec.Seq < want {
		return v.fail(want, fmt.Sprintf("line %d holds record %d a second time where record %d was expected (a copied or moved line)", v.line, rec.Seq, want))
	}
	if at := findSeq(v.r, want, v.line); at > 0 {
		return v.fail(want, fmt.Sprintf("records are out of order: line %d holds record %d, and record %d is on line %d", v.line, rec.Seq, want, at))
	}
	if rec.Seq == want+1 {
		return v.fail(want, fmt.Sprintf("record %d is missing: line %d holds record %d (a line was deleted)", want, v.line, rec.Seq))
	}
	return v.fail(want, fmt.Sprintf("records %d to %d are missing: line %d holds record %d (lines were deleted)", want, rec.Seq-1, v.line, rec.Seq))
}

// accept counts a good record.
func (v *verifier) accept(rec Record, line []byte) {
	if v.report.Records == 0 {
		v.report.First = rec.Time
	}
	v.report.Records++
	v.report.Last = rec.Time
	if rec.RunID != "" && !v.runs[rec.RunID] {
		v.runs[rec.RunID] = true
		v.report.Runs++
	}
	v.prevSHA, v.last = lineSHA256(line), rec
	if len(v.recent) == recentMax {
		v.recent = v.recent[1:]
	}
	v.recent = append(v.recent, rec)
}

func (v *verifier) fail(seq uint64, reason string) error {
	return &VerifyError{Path: v.path, Seq: seq, Line: v.line, Reason: reason}
}

func (v *verifier) warn(format string, args ...any) {
	v.report.Warnings = append(v.report.Warnings, fmt.Sprintf(format, args...))
}

// findSeq reads the rest of the log for the record with the given seq and
// returns its line number, or 0. Lines that do not parse are skipped.
func findSeq(r *bufio.Reader, seq uint64, line int) int {
	for {
		b, _, err := readLine(r)
		if err != nil {
			return 0
		}
		line++
		var rec struct{ Seq uint64 }
		if json.Unmarshal(b, &rec) == nil && rec.Seq == seq {
			return line
		}
	}
}

// readLine returns the next line without its newline; complete is false
// for a last line that has no newline. It returns io.EOF at the end and an
// error for a line longer than a record may be.
func readLine(r *bufio.Reader) (line []byte, complete bool, err error) {
	for {
		chunk, err := r.ReadSlice('\n')
		line = append(line, chunk...)
		switch {
		case err == nil:
			return line[:len(line)-1], true, nil
		case errors.Is(err, bufio.ErrBufferFull):
			if len(line) > maxRecordBytes {
				return nil, false, fmt.Errorf("line longer than %d bytes", maxRecordBytes)
			}
		case err == io.EOF && len(line) > 0:
			return line, false, nil
		default:
			return nil, false, err
		}
	}
}
