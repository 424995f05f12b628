package approval

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mend-sh/mend/runbooks"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// SelfKeys are the fingerprints of the keys the operator running apply
// holds: the agent's (at $SSH_AUTH_SOCK), and the public halves of key
// files (extra, the inventory's identity files, ~/.ssh/id_*). A signature
// by one of them is the operator approving their own run.
func SelfKeys(inv *runbooks.Inventory, extra []string) map[string]bool {
	out := agentKeys()
	files := append([]string(nil), extra...)
	if inv != nil {
		for _, h := range inv.Hosts {
			files = append(files, h.IdentityFiles...)
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		m, _ := filepath.Glob(filepath.Join(home, ".ssh", "id_*"))
		files = append(files, m...)
	}
	for _, f := range files {
		if pk := publicKeyOf(f); pk != nil {
			out[ssh.FingerprintSHA256(pk)] = true
		}
	}
	return out
}

// agentKeys are the fingerprints of the agent's keys; none when there is
// no agent or it does not answer within 2 s.
func agentKeys() map[string]bool {
	out := map[string]bool{}
	sock := os.Getenv("SSH_AUTH_SOCK")
	if sock == "" {
		return out
	}
	c, err := net.DialTimeout("unix", sock, 2*time.Second)
	if err != nil {
		return out
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	keys, err := agent.NewClient(c).List()
	if err != nil {
		return out
	}
	for _, k := range keys {
		if pk, err := ssh.ParsePublicKey(k.Blob); err == nil {
			out[ssh.FingerprintSHA256(pk)] = true
		}
	}
	return out
}

// publicKeyOf reads F.pub, or F itself as a public or unencrypted private
// key; nil when neither is.
func publicKeyOf(f string) ssh.PublicKey {
	for _, p := range []string{strings.TrimSuffix(f, ".pub") + ".pub", f} {
		b, err := os.ReadFile(p)
		if err != nil || len(b) > 64<<10 {
			continue
		}
		if pk, _, _, _, err := ssh.ParseAuthorizedKey(b); err == nil {
			return pk
		}
		if s, err := ssh.ParsePrivateKey(b); err == nil {
			return s.PublicKey()
		}
	}
	return nil
}
