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
	lagging bool   // the head is one record behind: a crash between line and head
	badSeq  uint64 // first seq the head shows to be wrong; 0 when consistent
	reason  string
}

// compareHead compares the head (if any) with the log's last record:
// lastSeq, the sha256 of its line and its Prev. The head may be exactly one
// record behind, because a crash can land between the fsync of a line and
// the rename of the head; that is reported as lagging, not as an error.
func compareHead(h head, ok bool, lastSeq uint64, lastSHA, lastPrev string) headCheck {
	if !ok {
		h = head{} // no head: the log must be empty or have only a first record
	}
	switch {
	case h.Seq == lastSeq && h.SHA256 == lastSHA:
		return headCheck{}
	case h.Seq == lastSeq && ok:
		return headCheck{badSeq: lastSeq, reason: fmt.Sprintf(
			"record %d does not match the head file: it was changed or replaced after it was written (or the head file was altered)", lastSeq)}
	case h.Seq+1 == lastSeq && (h.Seq == 0 || h.SHA256 == lastPrev):
		return headCheck{lagging: true}
	case h.Seq > lastSeq:
		missing := fmt.Sprintf("records %d to %d are", lastSeq+1, h.Seq)
		if h.Seq == lastSeq+1 {
			missing = fmt.Sprintf("record %d is", h.Seq)
		}
		return headCheck{badSeq: lastSeq + 1, reason: fmt.Sprintf(
			"%s missing: the head file says the log ends at record %d, but it ends at record %d (lines deleted from the end, or the log was truncated)",
			missing, h.Seq, lastSeq)}
	case !ok:
		return headCheck{badSeq: lastSeq, reason: "the head file is missing (it is written after every record; was it deleted?)"}
	default:
		return headCheck{badSeq: h.Seq + 1, reason: fmt.Sprintf(
			"the head file says the log ends at record %d, but it ends at record %d (records appended without the head, or the head was altered)",
			h.Seq, lastSeq)}
	}
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
