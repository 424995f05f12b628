package ssh

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/mend-sh/mend/internal/shell"
	"github.com/mend-sh/mend/steps"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// hostKeyCheck verifies one connection's host key against a known_hosts
// file and remembers what it saw, so the dial can report it in HostInfo
// and return the classified error instead of x/crypto's wrapped one.
type hostKeyCheck struct {
	file      string
	acceptNew bool
	db        ssh.HostKeyCallback // nil when the file is missing or empty

	fingerprint string
	accepted    bool
	err         error
}

// newHostKeyCheck reads the known_hosts file. A missing file counts as
// empty; a malformed line, or one with an unknown marker, is an error
// naming file:line.
func newHostKeyCheck(file string, acceptNew bool) (*hostKeyCheck, error) {
	db, err := loadKnownHosts(file)
	if err != nil {
		return nil, err
	}
	return &hostKeyCheck{file: file, acceptNew: acceptNew, db: db}, nil
}

func loadKnownHosts(file string) (ssh.HostKeyCallback, error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, steps.Errorf(steps.ClassConfig, "read known_hosts: %w", err)
	}
	valid := 0
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		marker, _, _, _, _, err := ssh.ParseKnownHosts(line)
		if err != nil {
			return nil, steps.Errorf(steps.ClassConfig, "known_hosts %s:%d: malformed line: %v", file, i+1, err)
		}
		// x/crypto takes any @word as a marker and then skips the line: a
		// mistyped @revoked would silently revoke nothing.
		if marker != "" && marker != "revoked" && marker != "cert-authority" {
			return nil, steps.Errorf(steps.ClassConfig, "known_hosts %s:%d: unknown marker %q: OpenSSH knows only @revoked and @cert-authority; fix or remove the line (mend connects to no host while it is there)",
				file, i+1, "@"+marker)
		}
		valid++
	}
	if valid == 0 {
		return nil, nil
	}
	db, err := knownhosts.New(file)
	if err != nil {
		return nil, steps.Errorf(steps.ClassConfig, "known_hosts %s: %v", file, err)
	}
	return db, nil
}

// algorithms returns the host key algorithms to offer for addr, derived
// from the key types known_hosts holds for it, so that a server with
// several host keys presents one we can verify (RELIABILITY A5). Nil means
// no preference (unknown host, or only @cert-authority entries).
func (h *hostKeyCheck) algorithms(addr string) []string {
	if h.db == nil {
		return nil
	}
	probe, _ := ssh.NewPublicKey(ed25519.PublicKey(make([]byte, ed25519.PublicKeySize)))
	var ke *knownhosts.KeyError
	if err := h.db(addr, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}, probe); !errors.As(err, &ke) {
		return nil
	}
	var algos []string
	seen := map[string]bool{}
	for _, k := range ke.Want {
		for _, a := range algorithmsFor(k.Key.Type()) {
			if !seen[a] {
				seen[a] = true
				algos = append(algos, a)
			}
		}
	}
	return algos
}

func algorithmsFor(keyType string) []string {
	if keyType == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{keyType}
}

// callback is the ssh.HostKeyCallback for one dial.
func (h *hostKeyCheck) callback(addr string, remote net.Addr, key ssh.PublicKey) error {
	h.fingerprint = ssh.FingerprintSHA256(key)
	h.err = h.check(addr, remote, key)
	return h.err
}

func (h *hostKeyCheck) check(addr string, remote net.Addr, key ssh.PublicKey) error {
	err := verifyHostKey(h.db, addr, remote, key)
	switch {
	case !errors.Is(err, errUnknownHost):
		return err
	case h.acceptNew:
		if err := recordHostKey(h.file, addr, remote, key); err != nil {
			return err
		}
		h.accepted = true
		return nil
	}
	return steps.Errorf(steps.ClassHostKey,
		"host key for %s is not known (known_hosts: %s); the host offered %s %s: verify it and add it, or pass --accept-new-host-key",
		addr, h.file, key.Type(), ssh.FingerprintSHA256(key))
}

// errUnknownHost is verifyHostKey's verdict for a host known_hosts has no
// key for.
var errUnknownHost = errors.New("host key not known")

// verifyHostKey checks key for addr against db (nil: an empty file). It
// returns nil when known_hosts has this key, errUnknownHost when it has
// no key for addr, and a ClassHostKey error when the key is revoked or
// known_hosts holds other keys for addr.
func verifyHostKey(db ssh.HostKeyCallback, addr string, remote net.Addr, key ssh.PublicKey) error {
	if db == nil {
		return errUnknownHost
	}
	err := db(addr, remote, key)
	var ke *knownhosts.KeyError
	var re *knownhosts.RevokedError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &re):
		return steps.Errorf(steps.ClassHostKey, "host key %s %s for %s is marked @revoked in %s:%d",
			key.Type(), ssh.FingerprintSHA256(key), addr, re.Revoked.Filename, re.Revoked.Line)
	case errors.As(err, &ke) && len(ke.Want) > 0:
		return changedKeyError(addr, key, ke.Want)
	case errors.As(err, &ke):
		return errUnknownHost
	}
	return steps.Errorf(steps.ClassHostKey, "check host key for %s: %v", addr, err)
}

func changedKeyError(addr string, key ssh.PublicKey, want []knownhosts.KnownKey) error {
	var old []string
	for _, k := range want {
		old = append(old, fmt.Sprintf("%s:%d (%s %s)", k.Filename, k.Line, k.Key.Type(), ssh.FingerprintSHA256(k.Key)))
	}
	return steps.Errorf(steps.ClassHostKey,
		"REMOTE HOST IDENTIFICATION HAS CHANGED for %s: it offered %s %s, but known_hosts has %s. "+
			"Someone may be intercepting the connection, or the host key was replaced. "+
			"If the change is expected, remove the old key (ssh-keygen -R %s -f %s) and verify the new one; "+
			"accept-new never accepts a changed key",
		addr, key.Type(), ssh.FingerprintSHA256(key), strings.Join(old, ", "),
		shell.Quote(knownhosts.Normalize(addr)), shell.Quote(want[0].Filename))
}
