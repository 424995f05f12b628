package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// pendingMark is the content of <log>.pending: what an append is about to
// write, recorded (and fsynced) before the lines are. It is how a crash
// between writing records and updating the head is told apart from
// records appended by anything but mend: after such a crash the log runs
// past its head by exactly the records announced here, ending in the line
// whose sha256 is NextSHA256. A line appended by hand, or by a program
// that does not know this protocol, is not announced; a forger would have
// to write this file too, and could then as well rewrite the head (see the
// package documentation for what the head does and does not promise).
type pendingMark struct {
	Seq        uint64 `json:"seq"`         // the head when the append began
	SHA256     string `json:"sha256"`      // "" for an empty log
	NextSeq    uint64 `json:"next_seq"`    // the last record being written
	NextSHA256 string `json:"next_sha256"` // sha256 of its line
}

// pendingPath is where the pending mark of the log at path is kept.
func pendingPath(path string) string { return path + ".pending" }

// pendingSize is the fixed length of the pending file: it is rewritten in
// place (no rename, so one fsync of the file makes it durable), padded
// with spaces, which JSON ignores.
const pendingSize = 256

// markPending writes p to the pending file (created 0600 on first use)
// and fsyncs it.
func (l *Log) markPending(p pendingMark) error {
	if l.pf == nil {
		f, err := openRegular(pendingPath(l.path), os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("pending mark: %w", err)
		}
		l.pf = f
		l.dirSync = true
	}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	buf := bytes.Repeat([]byte(" "), pendingSize)
	copy(buf, b)
	buf[pendingSize-1] = '\n'
	if _, err := l.pf.WriteAt(buf, 0); err != nil {
		return fmt.Errorf("pending mark: %w", err)
	}
	if err := l.pf.Sync(); err != nil {
		return fmt.Errorf("pending mark: fsync: %w", err)
	}
	return nil
}

// readPending reads the pending mark of the log at path. A missing,
// torn or invalid file gives ok false: then no append is accounted for
// past the head, which fails closed.
func readPending(path string) (p pendingMark, ok bool, err error) {
	f, err := openRegular(pendingPath(path), os.O_RDONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return pendingMark{}, false, nil
	}
	if err != nil {
		return pendingMark{}, false, fmt.Errorf("audit pending file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, pendingSize+1))
	if err != nil {
		return pendingMark{}, false, fmt.Errorf("audit pending file: %w", err)
	}
	if json.Unmarshal(b, &p) != nil || p.NextSeq <= p.Seq || len(p.NextSHA256) != 64 {
		return pendingMark{}, false, nil
	}
	return p, true, nil
}
