package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// RepairReport says what Repair cut. Cut is 0 when the log needed nothing.
type RepairReport struct {
	Offset int64  // length of the log before the cut bytes (where they began)
	Cut    int    // bytes cut: the torn last line
	SHA256 string // hex sha256 of the cut bytes
	Note   Record // the note appended to record the cut, as stored
}

// Repair undoes what a crash mid-append leaves: a torn last line, with no
// newline at the end. It holds the log's flock, checks that everything
// before the torn line verifies as Verify would (chain and head file: the
// head must not name the torn record, which was never acknowledged), cuts
// the torn bytes, fsyncs, and appends an EventNote record giving their
// offset, length, sha256 and an excerpt. A log that ends with a newline is
// left alone (Cut is 0). Anything else is refused with the VerifyError
// found: a break before the last line is tampering or damage, not a crash,
// and repairing it would hide it.
func Repair(path string) (RepairReport, error) {
	if err := checkDir(filepath.Dir(path)); err != nil {
		return RepairReport{}, fmt.Errorf("audit log %s: %w", path, err)
	}
	f, err := openRegular(path, os.O_RDWR|os.O_APPEND, 0)
	if err != nil {
		return RepairReport{}, fmt.Errorf("audit log %s: %w", path, openErr(err))
	}
	l := &Log{path: path, f: f, now: time.Now, write: f.Write, sync: f.Sync, lockWait: DefaultLockWait}
	defer l.Close()
	var rep RepairReport
	err = l.locked(func() error {
		rep, err = l.repairLocked()
		return err
	})
	return rep, err
}

// repairLocked is Repair under the flock.
func (l *Log) repairLocked() (RepairReport, error) {
	fi, err := l.f.Stat()
	if err != nil {
		return RepairReport{}, fmt.Errorf("audit log %s: %w", l.path, err)
	}
	size := fi.Size()
	torn, err := tornTail(l.f, size)
	if err != nil || torn == nil {
		return RepairReport{}, err
	}
	off := size - int64(len(torn))
	if _, err := verifyPrefix(l.f, l.path, off); err != nil {
		return RepairReport{}, fmt.Errorf("audit log %s: not repaired: the log before its torn last line does not verify, so this is not just an interrupted append: %w", l.path, err)
	}
	sum := sha256.Sum256(torn)
	rep := RepairReport{Offset: off, Cut: len(torn), SHA256: hex.EncodeToString(sum[:])}
	if err := l.f.Truncate(off); err != nil {
		return RepairReport{}, fmt.Errorf("audit log %s: cut the torn line: %w", l.path, err)
	}
	if err := l.f.Sync(); err != nil {
		return rep, fmt.Errorf("audit log %s: fsync after cutting %d bytes (sha256 %s) at offset %d: %w", l.path, rep.Cut, rep.SHA256, off, err)
	}
	if err := l.reload(); err != nil {
		return rep, fmt.Errorf("cut %d bytes (sha256 %s) at offset %d, but: %w", rep.Cut, rep.SHA256, off, err)
	}
	_, excerpt := Excerpt(torn)
	note := Record{Event: EventNote, OutputSHA256: rep.SHA256, OutputExcerpt: excerpt,
		Reason: "mend audit repair: cut a torn last line (no newline at the end: an append was interrupted, so the record was never acknowledged)",
		Detail: map[string]string{"cut_bytes": strconv.Itoa(rep.Cut), "cut_offset": strconv.FormatInt(off, 10), "cut_sha256": rep.SHA256}}
	if rep.Note, err = l.appendOne(note); err != nil {
		return rep, fmt.Errorf("cut %d bytes (sha256 %s) at offset %d, but recording that failed: %w", rep.Cut, rep.SHA256, off, err)
	}
	return rep, nil
}

// tornTail returns the bytes after the last newline of f (size bytes
// long): nil when the file is empty or ends with a newline. A tail longer
// than a record may be is refused: no append writes that much.
func tornTail(f *os.File, size int64) ([]byte, error) {
	w := min(size, maxRecordBytes+1)
	buf := make([]byte, w)
	if _, err := f.ReadAt(buf, size-w); err != nil {
		return nil, fmt.Errorf("audit log %s: %w", f.Name(), err)
	}
	if w == 0 || buf[w-1] == '\n' {
		return nil, nil
	}
	i := bytes.LastIndexByte(buf, '\n')
	if i < 0 && w < size {
		return nil, fmt.Errorf("audit log %s: not repaired: the last line is longer than %d bytes, longer than any append writes", f.Name(), maxRecordBytes)
	}
	return buf[i+1:], nil
}
