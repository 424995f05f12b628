package audit

import "fmt"

// MatchSegment checks that a segment (its verified header h) is part of
// the audit log at path: the log verifies, and its records FirstSeq-1 and
// LastSeq have the sha256s the header names. With VerifySegment, that
// proves every line of the segment is the log's, unchanged: the log's
// chain commits to LastSHA256, which commits to every line before it.
func MatchSegment(h SegmentHeader, path string) error {
	if _, err := Verify(path); err != nil {
		return fmt.Errorf("the log does not verify: %w", err)
	}
	var prev, last string
	found := false
	err := scan(path, func(n int, line []byte) error {
		switch uint64(n) {
		case h.FirstSeq - 1:
			prev = lineSHA256(line)
		case h.LastSeq:
			last, found = lineSHA256(line), true
		}
		return nil
	})
	switch {
	case err != nil:
		return err
	case !found:
		return fmt.Errorf("the log %s has no record %d: the segment is not from it", path, h.LastSeq)
	case prev != h.Prev:
		return fmt.Errorf("record %d of %s is not the record the segment chains to (sha256 %s, the segment says %s)", h.FirstSeq-1, path, prev, h.Prev)
	case last != h.LastSHA256:
		return fmt.Errorf("record %d of %s differs from the segment's last record (sha256 %s, the segment says %s): one of them was changed", h.LastSeq, path, last, h.LastSHA256)
	}
	return nil
}
