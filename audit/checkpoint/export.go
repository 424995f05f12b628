package checkpoint

import (
	"fmt"
	"os"
	"path/filepath"
)

// Exported names the two files Export wrote for one checkpoint.
type Exported struct {
	Seq       uint64
	Message   string // the signed text
	Signature string // its armored SSHSIG signature
}

// Export writes each checkpoint of the log at logPath as two files in dir
// (created 0755 when missing): checkpoint-N-seq-S.msg and .sig, which an
// auditor checks without mend:
//
//	ssh-keygen -Y verify -f allowed_signers -I PRINCIPAL -n mend-audit \
//	    -s checkpoint-1-seq-42.sig < checkpoint-1-seq-42.msg
//
// and then compares the message's seq and sha256 with the log
// (`sed -n 42p LOG | tr -d '\n' | sha256sum`). Lines that are not checkpoints are
// skipped; Verify reports them.
func Export(logPath, dir string) ([]Exported, error) {
	cps, err := readAll(logPath)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var out []Exported
	for _, c := range cps {
		if c.err != nil {
			continue
		}
		base := filepath.Join(dir, fmt.Sprintf("checkpoint-%d-seq-%d", c.line, c.Seq))
		e := Exported{Seq: c.Seq, Message: base + ".msg", Signature: base + ".sig"}
		if err := os.WriteFile(e.Message, c.Message(), 0o644); err != nil {
			return out, err
		}
		if err := os.WriteFile(e.Signature, c.Signature, 0o644); err != nil {
			return out, err
		}
		out = append(out, e)
	}
	return out, nil
}
