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
// is set, the agent's keys. An encrypted key file is skipped when the
// agent holds its key, and otherwise reported; having no key at all is an
// auth error that says why.
func loadIdentities(e endpoint, useAgent bool) (*identities, error) {
	ids := &identities{}
	inAgent := map[string]bool{}
	if useAgent {
		if err := ids.addAgent(inAgent); err != nil {
			return nil, err
		}
	}
	for _, path := range e.IdentityFiles {
		if err := ids.addFile(path, inAgent, e.explicitIDs); err != nil {
			ids.Close()
			return nil, err
		}
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

func (ids *identities) addAgent(inAgent map[string]bool) error {
	sock := os.Getenv("SSH_AUTH_SOCK")
	if sock == "" {
		return steps.Errorf(steps.ClassAuth, "ssh-agent requested but SSH_AUTH_SOCK is not set")
	}
	conn, err := net.Dial("unix", sock)
	if err != nil {
		return steps.Errorf(steps.ClassAuth, "connect to ssh-agent at %s: %w", sock, err)
	}
	ids.closers = append(ids.closers, conn)
	signers, err := agent.NewClient(conn).Signers()
	if err != nil {
		return steps.Errorf(steps.ClassAuth, "list ssh-agent keys: %w", err)
	}
	for _, s := range signers {
		inAgent[string(s.PublicKey().Marshal())] = true
		ids.signers = append(ids.signers, ids.track(s))
	}
	return nil
}

// addFile adds one private key file. Missing or unreadable files are an
// error only when the target named them explicitly.
func (ids *identities) addFile(path string, inAgent map[string]bool, explicit bool) error {
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
		if pme.PublicKey != nil && inAgent[string(pme.PublicKey.Marshal())] {
			return nil // the agent offers it
		}
		ids.skipped = append(ids.skipped, fmt.Sprintf(
			"identity file %s is encrypted: load it into ssh-agent (ssh-add %s) and use the agent", path, path))
		return nil
	case err != nil:
		return steps.Errorf(steps.ClassConfig, "identity file %s: %v", path, err)
	}
	if inAgent[string(signer.PublicKey().Marshal())] {
		return nil
	}
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
