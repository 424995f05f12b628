package checkpoint

import (
	"fmt"
	"time"

	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/internal/sshsig"
	"golang.org/x/crypto/ssh"
)

// Sign verifies the log at logPath (it refuses to vouch for a log whose
// chain or head is broken), signs a checkpoint of its last verified record
// with signer, appends it to the checkpoints file, and then records the
// signing in the log itself as a note (so the log says when and by whom it
// was checkpointed). who names the signer in that note (an operator or
// service name). The checkpoint is kept even when the note cannot be
// written; the error then says so.
func Sign(logPath string, signer ssh.Signer, who string, now time.Time) (Checkpoint, error) {
	rep, err := audit.Verify(logPath)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("not signing: %w", err)
	}
	if rep.Records == 0 {
		return Checkpoint{}, fmt.Errorf("not signing: audit log %s is empty", logPath)
	}
	seq := uint64(rep.Records)
	logID, hashes, err := audit.LineHashes(logPath, []uint64{seq})
	if err != nil {
		return Checkpoint{}, err
	}
	c := Checkpoint{LogID: logID, Seq: seq, SHA256: hashes[seq], Time: now.UTC()}
	c, err = appendCheckpoint(logPath, c, func(msg []byte) ([]byte, error) {
		return sshsig.Sign(signer, Namespace, msg)
	})
	if err != nil {
		return c, err
	}
	return c, note(logPath, c, ssh.FingerprintSHA256(signer.PublicKey()), who)
}

// note appends the record of a signed checkpoint to the log.
func note(logPath string, c Checkpoint, fp, who string) error {
	l, err := audit.Open(logPath)
	if err != nil {
		return fmt.Errorf("checkpoint of record %d signed, but not noted in the log: %w", c.Seq, err)
	}
	defer l.Close()
	_, err = l.Append(audit.Record{Event: audit.EventNote, Operator: who,
		Reason: fmt.Sprintf("signed checkpoint of record %d (sha256 %s) with %s", c.Seq, c.SHA256, fp),
		Detail: map[string]string{"checkpoint_seq": fmt.Sprint(c.Seq), "checkpoint_sha256": c.SHA256, "signer_key": fp}})
	if err != nil {
		return fmt.Errorf("checkpoint of record %d signed, but not noted in the log: %w", c.Seq, err)
	}
	return nil
}
