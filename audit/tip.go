package audit

import (
	"errors"
	"fmt"
)

// Tip names a log and a record in it, as a signed checkpoint does: the
// log's identity (the sha256 of its first line, which holds the first
// run's id and the time it began, so two logs never share it), and the
// seq and line sha256 of one record.
type Tip struct {
	LogID  string
	Seq    uint64
	SHA256 string
}

// ReadTip returns the tip of the log at path: its identity and its last
// record. It reads under a shared flock and does not check the chain;
// callers that sign the tip run Verify first. An empty log is an error:
// there is nothing to name.
func ReadTip(path string) (Tip, error) {
	var t Tip
	err := scan(path, func(n int, line []byte) error {
		sum := lineSHA256(line)
		if n == 1 {
			t.LogID = sum
		}
		t.Seq, t.SHA256 = uint64(n), sum
		return nil
	})
	if err != nil {
		return Tip{}, err
	}
	if t.Seq == 0 {
		return Tip{}, fmt.Errorf("audit log %s is empty", path)
	}
	return t, nil
}

// LineHashes returns the log's identity and the sha256 of the lines whose
// numbers are in seqs (in a sound log, line N holds record N). A number
// past the end is absent from the map. It reads under a shared flock and
// does not check the chain, so that a checkpoint can name what changed
// even in a log Verify refuses. A torn or oversized line ends the read
// with an error, after the lines before it were hashed.
func LineHashes(path string, seqs []uint64) (logID string, hashes map[uint64]string, err error) {
	want := map[uint64]bool{}
	for _, s := range seqs {
		want[s] = true
	}
	hashes = map[uint64]string{}
	err = scan(path, func(n int, line []byte) error {
		if n == 1 {
			logID = lineSHA256(line)
		}
		if want[uint64(n)] {
			hashes[uint64(n)] = lineSHA256(line)
		}
		return nil
	})
	if logID == "" && err == nil {
		err = errors.New("audit log " + path + " is empty")
	}
	return logID, hashes, err
}
