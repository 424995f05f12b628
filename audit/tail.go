package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// catchUp makes sure the file is still the one opened and reloads the tail
// if another process appended (or anything else changed its length).
func (l *Log) catchUp() error {
	fi, err := l.f.Stat()
	if err != nil {
		return fmt.Errorf("audit log %s: %w", l.path, err)
	}
	if pi, err := os.Stat(l.path); err != nil || !os.SameFile(fi, pi) {
		return fmt.Errorf("audit log %s was moved, deleted or replaced after it was opened; reopen it", l.path)
	}
	if fi.Size() == l.size {
		return nil
	}
	return l.reload()
}

// reload reads the last line, the head file and the pending mark, and
// sets seq, prev and size from them. A log that runs past its head by
// exactly the records the pending mark announced (a crash between writing
// them and the head) gets its head completed, and a notice says so; any
// other tail past the head is refused.
func (l *Log) reload() error {
	fi, err := l.f.Stat()
	if err != nil {
		return fmt.Errorf("audit log %s: %w", l.path, err)
	}
	line, err := lastLine(l.f, fi.Size())
	if errors.Is(err, errTorn) {
		return fmt.Errorf("audit log %s: %w; run `mend audit repair %s` to cut it away (it refuses unless the rest of the log is sound)", l.path, err, l.path)
	}
	if err != nil {
		return fmt.Errorf("audit log %s: %w; run `mend audit verify %s`", l.path, err, l.path)
	}
	var last Record
	var sha string
	if line != nil {
		if err := json.Unmarshal(line, &last); err != nil || last.Seq == 0 {
			return fmt.Errorf("audit log %s: the last line is not a valid record; run `mend audit verify %s`", l.path, l.path)
		}
		sha = lineSHA256(line)
	}
	h, ok, err := readHead(l.path)
	if err != nil {
		return fmt.Errorf("audit log %s: %w; run `mend audit verify %s`", l.path, err, l.path)
	}
	p, pok, err := readPending(l.path)
	if err != nil {
		return fmt.Errorf("audit log %s: %w; run `mend audit verify %s`", l.path, err, l.path)
	}
	l.dirSync = l.dirSync || !ok
	c := compareHead(h, ok, p, pok, last.Seq, sha)
	if c.badSeq != 0 {
		return fmt.Errorf("audit log %s: %s; nothing was appended; run `mend audit verify %s`", l.path, c.reason, l.path)
	}
	if c.lagging {
		if err := l.putHead(head{Seq: last.Seq, SHA256: sha}); err != nil {
			return fmt.Errorf("audit log %s: %w", l.path, err)
		}
		l.notice("audit log %s: %s; the head file now names record %d", l.path, c.reason, last.Seq)
	}
	l.size, l.seq, l.prev = fi.Size(), last.Seq, sha
	return nil
}

// putHead writes the head file, then fsyncs the directory if the log or
// the head file is new. A failed directory fsync is retried after the next
// head write instead of failing this one: the head is already in place,
// and a head lost to a crash while the log holds one record reads as
// "one behind", which Open repairs.
func (l *Log) putHead(h head) error {
	if err := writeHead(l.path, h); err != nil {
		return err
	}
	if l.dirSync && syncDir(filepath.Dir(l.path)) == nil {
		l.dirSync = false
	}
	return nil
}

// errTorn is lastLine's error for a file that does not end with a newline.
var errTorn = errors.New("the last line is torn (no newline at the end: an append was interrupted)")

// lastLine returns the last line of f (size bytes long) without its
// newline, nil for an empty file, or an error when the file does not end
// with a newline (a torn append) or the line is implausibly long.
func lastLine(f *os.File, size int64) ([]byte, error) {
	if size == 0 {
		return nil, nil
	}
	for w := int64(4096); ; w *= 2 {
		w = min(w, size)
		buf := make([]byte, w)
		if _, err := f.ReadAt(buf, size-w); err != nil {
			return nil, err
		}
		if buf[w-1] != '\n' {
			return nil, errTorn
		}
		if i := bytes.LastIndexByte(buf[:w-1], '\n'); i >= 0 {
			return buf[i+1 : w-1], nil
		}
		if w == size {
			return buf[:w-1], nil
		}
		if w > maxRecordBytes {
			return nil, fmt.Errorf("the last line is longer than %d bytes", maxRecordBytes)
		}
	}
}

// locked runs fn holding an exclusive flock on the log file, waiting for
// it at most l.lockWait.
func (l *Log) locked(fn func() error) error {
	return l.lockedCtx(context.Background(), fn)
}

// lockedCtx is locked, giving up early when ctx ends.
func (l *Log) lockedCtx(ctx context.Context, fn func() error) error {
	if err := flockWait(ctx, l.f, l.path, syscall.LOCK_EX, l.lockWait); err != nil {
		return err
	}
	fd := int(l.f.Fd())
	defer func() { _ = syscall.Flock(fd, syscall.LOCK_UN) }()
	return fn()
}
