package checkpoint

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/internal/sshsig"
	"golang.org/x/crypto/ssh"
)

// Verified is a checkpoint that passed every check.
type Verified struct {
	Checkpoint
	Principal   string // the first principal allowed_signers gives the key
	Fingerprint string // SHA256:… of the signing key
}

// Report is what Verify found.
type Report struct {
	Verified []Verified // in file order
	Problems []string   // one per failed checkpoint, naming its line and record
}

// Verify checks every checkpoint of the log at logPath: the line parses,
// links to the line before (Prev), its signature verifies in namespace
// mend-audit with a key allowed_signers lists for that namespace at now,
// it names this log, and the log still holds, on line Seq, a record whose
// line has the hash signed. It returns an error when there are no
// checkpoints (a deleted checkpoints file must not pass) or when any
// check fails; the Report lists each failure and each checkpoint that
// passed. It does not check the chain between checkpoints: audit.Verify
// does, and `mend audit verify` runs both.
func Verify(logPath string, allowed *sshsig.AllowedSigners, now time.Time) (Report, error) {
	var rep Report
	cps, err := readAll(logPath)
	if err != nil {
		return rep, err
	}
	if len(cps) == 0 {
		return rep, fmt.Errorf("%s: no checkpoints: nothing vouches for the log (sign one with `mend audit sign`)", Path(logPath))
	}
	seqs := make([]uint64, len(cps))
	for i, c := range cps {
		seqs[i] = c.Seq
	}
	logID, hashes, lerr := audit.LineHashes(logPath, seqs)
	prev := ""
	for _, c := range cps {
		v, err := check(c, prev, logID, hashes, allowed, now)
		prev = c.hash
		if err != nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s:%d: %v", Path(logPath), c.line, err))
			continue
		}
		rep.Verified = append(rep.Verified, v)
	}
	if lerr != nil {
		rep.Problems = append(rep.Problems, lerr.Error())
	}
	if len(rep.Problems) > 0 {
		return rep, errors.New(strings.Join(rep.Problems, "\n"))
	}
	return rep, nil
}

// check is Verify's work for one checkpoint.
func check(c stored, prev, logID string, hashes map[uint64]string, allowed *sshsig.AllowedSigners, now time.Time) (Verified, error) {
	if c.err != nil {
		return Verified{}, c.err
	}
	if c.Prev != prev {
		return Verified{}, fmt.Errorf("checkpoint of record %d does not follow the line before it (a checkpoint was removed, added or changed)", c.Seq)
	}
	sig, err := sshsig.Parse(c.Signature)
	if err != nil {
		return Verified{}, fmt.Errorf("checkpoint of record %d: %v", c.Seq, err)
	}
	fp := ssh.FingerprintSHA256(sig.PublicKey)
	if err := sig.Verify(Namespace, c.Message()); err != nil {
		return Verified{}, fmt.Errorf("checkpoint of record %d: signature by %s: %v", c.Seq, fp, err)
	}
	ps := allowed.Principals(sig.PublicKey, Namespace, now)
	if len(ps) == 0 {
		return Verified{}, fmt.Errorf("checkpoint of record %d: key %s is not an allowed signer for namespace %s", c.Seq, fp, Namespace)
	}
	who := fmt.Sprintf("signed by %s (%s) at %s", ps[0], fp, c.Time.UTC().Format(time.RFC3339))
	if c.LogID != logID {
		return Verified{}, fmt.Errorf("checkpoint of record %d, %s, is of another log (its first record is not this log's): the log was replaced or rewritten from its start", c.Seq, who)
	}
	got, ok := hashes[c.Seq]
	if !ok {
		return Verified{}, fmt.Errorf("record %d is missing, but the checkpoint %s saw it: the log was truncated or rewritten", c.Seq, who)
	}
	if got != c.SHA256 {
		return Verified{}, fmt.Errorf("record %d is not the record the checkpoint %s saw (line sha256 %s, signed %s): the log was rewritten at or before record %d", c.Seq, who, got, c.SHA256, c.Seq)
	}
	return Verified{Checkpoint: c.Checkpoint, Principal: ps[0], Fingerprint: fp}, nil
}
