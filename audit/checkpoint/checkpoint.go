package checkpoint

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Namespace is the SSHSIG namespace of a checkpoint: a signature made for
// a plan approval, git or anything else cannot stand for a checkpoint.
const Namespace = "mend-audit"

// header is the first line of every checkpoint message (its version).
const header = "mend audit checkpoint v1"

// Checkpoint is one signed statement "the log LogID held record Seq with
// line hash SHA256 at Time". Prev is the sha256 of the previous line of the
// checkpoints file ("" for the first), so removing a checkpoint from the
// middle of the file is caught too.
type Checkpoint struct {
	LogID  string
	Seq    uint64
	SHA256 string
	Time   time.Time
	Prev   string
	// Signature is the armored SSHSIG signature of Message().
	Signature []byte
}

// Message is the exact text signed: what `ssh-keygen -Y verify -n
// mend-audit` reads on its standard input.
func (c Checkpoint) Message() []byte {
	return []byte(fmt.Sprintf("%s\nlog %s\nseq %d\nsha256 %s\ntime %s\nprev %s\n",
		header, c.LogID, c.Seq, c.SHA256, c.Time.UTC().Format(time.RFC3339Nano), c.Prev))
}

// parseMessage reads a message back. It accepts only text that Message
// renders exactly, so no two messages mean the same checkpoint.
func parseMessage(msg string) (Checkpoint, error) {
	var c Checkpoint
	lines := strings.Split(strings.TrimSuffix(msg, "\n"), "\n")
	if len(lines) != 6 || lines[0] != header {
		return c, fmt.Errorf("not a %q message", header)
	}
	fields := map[string]string{}
	for i, key := range []string{"log", "seq", "sha256", "time", "prev"} {
		v, ok := strings.CutPrefix(lines[i+1], key+" ")
		if !ok && lines[i+1] != key+" " {
			return c, fmt.Errorf("line %d: want %q", i+2, key+" ...")
		}
		fields[key] = v
	}
	var err error
	c.LogID, c.SHA256, c.Prev = fields["log"], fields["sha256"], fields["prev"]
	if c.Seq, err = strconv.ParseUint(fields["seq"], 10, 64); err != nil || c.Seq == 0 {
		return c, fmt.Errorf("bad seq %q", fields["seq"])
	}
	if c.Time, err = time.Parse(time.RFC3339Nano, fields["time"]); err != nil {
		return c, fmt.Errorf("bad time %q", fields["time"])
	}
	if !isHash(c.LogID) || !isHash(c.SHA256) || c.Prev != "" && !isHash(c.Prev) {
		return c, fmt.Errorf("log, sha256 and prev must be hex sha256 values")
	}
	if string(c.Message()) != msg {
		return c, fmt.Errorf("message is not in canonical form")
	}
	return c, nil
}

func isHash(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == sha256.Size && s == strings.ToLower(s)
}

// lineHash is the hex sha256 of one line of the checkpoints file, without
// its newline: the next checkpoint's Prev.
func lineHash(line []byte) string {
	s := sha256.Sum256(line)
	return hex.EncodeToString(s[:])
}
