package sshsig

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// LoadSigner is the key to sign with, as ssh-keygen -Y sign -f takes it:
// keyFile is an unencrypted private key (used directly), or an encrypted
// private key or a public key whose private half is in ssh-agent
// ($SSH_AUTH_SOCK); "" means the agent's only key. flag names the option
// that gave keyFile in messages ("--key"). The returned function closes
// the agent connection.
func LoadSigner(keyFile, flag string) (ssh.Signer, func(), error) {
	nop := func() {}
	var want ssh.PublicKey
	if keyFile != "" {
		s, pk, err := readKey(keyFile, flag)
		if err != nil || s != nil {
			return s, nop, err
		}
		want = pk
	}
	return agentSigner(want, keyFile, flag)
}

// readKey reads a key file: a signer when it is an unencrypted private
// key, else the public key to look for in the agent.
func readKey(keyFile, flag string) (ssh.Signer, ssh.PublicKey, error) {
	b, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", flag, err)
	}
	s, err := ssh.ParsePrivateKey(b)
	if err == nil {
		return s, nil, nil
	}
	var pm *ssh.PassphraseMissingError
	if errors.As(err, &pm) {
		return nil, pm.PublicKey, nil // encrypted: sign through the agent
	}
	pk, _, _, _, perr := ssh.ParseAuthorizedKey(b)
	if perr != nil {
		return nil, nil, fmt.Errorf("%s %s: neither a private nor a public key: %v", flag, keyFile, err)
	}
	return nil, pk, nil
}

// agentSigner is the agent's key want, or its only key when want is nil.
func agentSigner(want ssh.PublicKey, keyFile, flag string) (ssh.Signer, func(), error) {
	nop := func() {}
	sock := os.Getenv("SSH_AUTH_SOCK")
	if sock == "" {
		if want != nil {
			return nil, nop, fmt.Errorf("%s %s is encrypted or a public key, and no ssh-agent is running (SSH_AUTH_SOCK): ssh-add it to an agent", flag, keyFile)
		}
		return nil, nop, fmt.Errorf("no key to sign with: pass %s FILE, or run ssh-agent with your key added", flag)
	}
	c, err := net.DialTimeout("unix", sock, 5*time.Second)
	if err != nil {
		return nil, nop, fmt.Errorf("ssh-agent: %w", err)
	}
	signers, err := agent.NewClient(c).Signers()
	if err != nil {
		c.Close()
		return nil, nop, fmt.Errorf("ssh-agent: %w", err)
	}
	closeFn := func() { c.Close() }
	var fps []string
	for _, s := range signers {
		if want != nil && string(s.PublicKey().Marshal()) == string(want.Marshal()) {
			return s, closeFn, nil
		}
		fps = append(fps, ssh.FingerprintSHA256(s.PublicKey()))
	}
	if want == nil && len(signers) == 1 {
		return signers[0], closeFn, nil
	}
	closeFn()
	if want != nil {
		return nil, nop, fmt.Errorf("the key of %s %s (%s) is not in ssh-agent: ssh-add it", flag, keyFile, ssh.FingerprintSHA256(want))
	}
	return nil, nop, fmt.Errorf("ssh-agent holds %d keys (%s): name one with %s FILE.pub", len(signers), strings.Join(fps, ", "), flag)
}
