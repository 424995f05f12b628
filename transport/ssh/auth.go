package ssh

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"

	"github.com/mend-sh/mend/steps"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// identities is the set of keys one dial offers, and the record of which
// one the server accepted (the last one asked to sign).
type identities struct {
	signers []ssh.Signer
	skipped []string // why some identity files were not offered
	closers []io.Closer

	mu   sync.Mutex
	used ssh.PublicKey
}

// loadIdentities reads the endpoint's identity files and, when useAgent
// is set, the agent's keys, and orders them as sshd will be offered them:
// the identity files first, in their order (an encrypted one through the
// agent when the agent holds its key), then the agent's other keys, unless
// the endpoint says IdentitiesOnly. Offering every agent key first let an
// agent holding six keys exhaust sshd's MaxAuthTries before the configured
// key was tried. An encrypted key the agent does not hold is reported;
// having no key at all is an auth error that says why.
func loadIdentities(e endpoint, useAgent bool) (*identities, error) {
	ids := &identities{}
	var agentKeys []ssh.Signer
	if useAgent {
		var err error
		if agentKeys, err = ids.agentSigners(); err != nil {
			ids.Close()
			return nil, err
		}
	}
	inAgent := map[string]ssh.Signer{}
	for _, s := range agentKeys {
		inAgent[string(s.PublicKey().Marshal())] = s
	}
	offered := map[string]bool{}
	for _, path := range e.IdentityFiles {
		if err := ids.addFile(path, inAgent, offered, e.explicitIDs); err != nil {
			ids.Close()
			return nil, err
		}
	}
	for _, s := range agentKeys {
		k := string(s.PublicKey().Marshal())
		if offered[k] {
			continue
		}
		if e.IdentitiesOnly {
			ids.skipped = append(ids.skipped, fmt.Sprintf("agent key %s (IdentitiesOnly)", ssh.FingerprintSHA256(s.PublicKey())))
			continue
		}
		offered[k] = true
		ids.signers = append(ids.signers, ids.track(s))
	}
	if len(ids.signers) == 0 {
		ids.Close()
		why := "no identity file was given or found in ~/.ssh, and the ssh-agent is not used"
		if len(ids.skipped) > 0 {
			why = strings.Join(ids.skipped, "; ")
		}
		return nil, steps.Errorf(steps.ClassAuth, "no usable SSH key for %s: %s", e, why)
	}
	return ids, nil
}

// agentSigners lists the keys of the ssh-agent at $SSH_AUTH_SOCK.
func (ids *identities) agentSigners() ([]ssh.Signer, error) {
	sock := os.Getenv("SSH_AUTH_SOCK")
	if sock == "" {
		return nil, steps.Errorf(steps.ClassAuth, "ssh-agent requested but SSH_AUTH_SOCK is not set")
	}
	conn, err := net.Dial("unix", sock)
	if err != nil {
		return nil, steps.Errorf(steps.ClassAuth, "connect to ssh-agent at %s: %w", sock, err)
	}
	ids.closers = append(ids.closers, conn)
	signers, err := agent.NewClient(conn).Signers()
	if err != nil {
		return nil, steps.Errorf(steps.ClassAuth, "list ssh-agent keys: %w", err)
	}
	return signers, nil
}

// addFile adds one private key file (through the agent when the file is
// encrypted and the agent holds its key). Missing or unreadable files are
// an error only when the target named them explicitly.
func (ids *identities) addFile(path string, inAgent map[string]ssh.Signer, offered map[string]bool, explicit bool) error {
	data, err := os.ReadFile(path)
	if err != nil {
		if explicit {
			return steps.Errorf(steps.ClassConfig, "read identity file: %w", err)
		}
		ids.skipped = append(ids.skipped, err.Error())
		return nil
	}
	signer, err := ssh.ParsePrivateKey(data)
	var pme *ssh.PassphraseMissingError
	switch {
	case errors.As(err, &pme):
		if pme.PublicKey != nil && inAgent[string(pme.PublicKey.Marshal())] != nil {
			signer = inAgent[string(pme.PublicKey.Marshal())]
			break
		}
		ids.skipped = append(ids.skipped, fmt.Sprintf(
			"identity file %s is encrypted: load it into ssh-agent (ssh-add %s) and use the agent", path, path))
		return nil
	case err != nil:
		return steps.Errorf(steps.ClassConfig, "identity file %s: %v", path, err)
	}
	k := string(signer.PublicKey().Marshal())
	if offered[k] {
		return nil
	}
	offered[k] = true
	ids.signers = append(ids.signers, ids.track(signer))
	return nil
}

// authMethod offers every signer with public key authentication.
func (ids *identities) authMethod() ssh.AuthMethod {
	return ssh.PublicKeys(ids.signers...)
}

// fingerprint is the SHA256 fingerprint of the key that authenticated.
func (ids *identities) fingerprint() string {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	if ids.used == nil {
		return ""
	}
	return ssh.FingerprintSHA256(ids.used)
}

// Close releases the agent connection, if any.
func (ids *identities) Close() {
	for _, c := range ids.closers {
		c.Close()
	}
}

func (ids *identities) describe() string {
	var fps []string
	for _, s := range ids.signers {
		fps = append(fps, ssh.FingerprintSHA256(s.PublicKey()))
	}
	msg := "offered keys: " + strings.Join(fps, ", ")
	if len(ids.skipped) > 0 {
		msg += "; skipped: " + strings.Join(ids.skipped, "; ")
	}
	return msg
}
