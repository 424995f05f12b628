package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// head is the content of the sidecar file <log>.head: the seq and line
// hash of the last record appended. A hash chain cannot show that its last
// lines were removed; the head can, until someone rewrites it too.
type head struct {
	Seq    uint64 `json:"seq"`
	SHA256 string `json:"sha256"`
}

// headPath is where the head of the log at path is kept.
func headPath(path string) string { return path + ".head" }

// maxHeadBytes bounds what readHead reads: a valid head is under 100 bytes.
const maxHeadBytes = 512

// readHead reads the head of the log at path. A missing file is not an
// error: ok is false. A symbolic link is refused rather than followed, so
// a link planted beside the log cannot make mend read (and quote in an
// error) some other file.
func readHead(path string) (h head, ok bool, err error) {
	f, err := os.OpenFile(headPath(path), os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return head{}, false, nil
	}
	if errors.Is(err, syscall.ELOOP) {
		return head{}, false, fmt.Errorf("audit head file %s is a symbolic link; it must be a regular file", headPath(path))
	}
	if err != nil {
		return head{}, false, fmt.Errorf("read audit head: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxHeadBytes))
	if err != nil {
		return head{}, false, fmt.Errorf("read audit head: %w", err)
	}
	if err := json.Unmarshal(b, &h); err != nil || h.Seq == 0 || len(h.SHA256) != 64 {
		return head{}, false, fmt.Errorf("audit head file %s is not valid: %q", headPath(path), b)
	}
	return h, true, nil
}

// writeHead replaces the head file atomically: a temporary file beside it
// is written and fsynced, then renamed over it. Readers see the old head or
// the new one, never a mix. The temporary file gets a fresh random name and
// is created exclusively (os.CreateTemp), so nothing planted in the
// directory (a symbolic link to a file mend must not touch) is opened;
// rename replaces a link at the head's own name rather than following it.
func writeHead(path string, h head) error {
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(headPath(path))+".*.tmp")
	if err != nil {
		return fmt.Errorf("write audit head: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, headPath(path))
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write audit head: %w", err)
	}
	return nil
}

// headCheck is what comparing the head with the log's last record found.
type headCheck struct {
	lagging bool   // the log runs past the head by records a crashed append announced
	badSeq  uint64 // first seq the head shows to be wrong; 0 when consistent
	reason  string // why it is bad, or (lagging) what was found
}

// compareHead compares the head (if any) with the log's last record:
// lastSeq and the sha256 of its line. The log may run past the head only
// by the records the pending mark p announced before they were written: a
// crash between the fsync of lines and the rename of the head leaves
// exactly that, and it is reported as lagging. Anything else past the head
// was appended without mend's protocol (by hand, by a forger, by a
// program that does not know it) or the head was rolled back: an error
// naming the records after the head.
func compareHead(h head, ok bool, p pendingMark, pok bool, lastSeq uint64, lastSHA string) headCheck {
	if !ok {
		h = head{} // no head: the log must be empty, or hold only records announced as pending
	}
	switch {
	case h.Seq == lastSeq && h.SHA256 == lastSHA:
		return headCheck{}
	case h.Seq == lastSeq && ok:
		return headCheck{badSeq: lastSeq, reason: fmt.Sprintf(
			"record %d does not match the head file: it was changed or replaced after it was written (or the head file was altered)", lastSeq)}
	case h.Seq > lastSeq:
		missing := fmt.Sprintf("records %d to %d are", lastSeq+1, h.Seq)
		if h.Seq == lastSeq+1 {
			missing = fmt.Sprintf("record %d is", h.Seq)
		}
		return headCheck{badSeq: lastSeq + 1, reason: fmt.Sprintf(
			"%s missing: the head file says the log ends at record %d, but it ends at record %d (lines deleted from the end, or the log was truncated)",
			missing, h.Seq, lastSeq)}
	case pok && p.Seq == h.Seq && p.SHA256 == h.SHA256 && p.NextSeq == lastSeq && p.NextSHA256 == lastSHA:
		return headCheck{lagging: true, reason: fmt.Sprintf(
			"%s reached the log but not the head file (mend stopped between writing the two); the pending file had announced exactly that",
			seqRange(h.Seq+1, lastSeq))}
	case !ok:
		return headCheck{badSeq: lastSeq, reason: "the head file is missing (it is written after every append; was it deleted?)"}
	default:
		return headCheck{badSeq: h.Seq + 1, reason: fmt.Sprintf(
			"the log runs past its head: the head file says the log ends at record %d, but it ends at record %d, and no append of mend announced %s (appended by hand or by another program, or the head file was rolled back)",
			h.Seq, lastSeq, seqRange(h.Seq+1, lastSeq))}
	}
}

// seqRange is "record 7" or "records 7 to 9".
func seqRange(from, to uint64) string {
	if from == to {
		return fmt.Sprintf("record %d", from)
	}
	return fmt.Sprintf("records %d to %d", from, to)
}

// syncDir fsyncs a directory, so that a file just created (or renamed) in
// it survives a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
