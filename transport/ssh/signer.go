package ssh

import (
	"io"

	"golang.org/x/crypto/ssh"
)

// track wraps s so that a signature it makes is recorded as the key in
// use. x/crypto asks for a signature only after the server accepted the
// key, so the last signer used is the one that authenticated. The wrapper
// keeps the AlgorithmSigner and MultiAlgorithmSigner abilities of s, which
// RSA keys need for rsa-sha2-*.
func (ids *identities) track(s ssh.Signer) ssh.Signer {
	t := &trackedSigner{Signer: s, ids: ids}
	switch s.(type) {
	case ssh.MultiAlgorithmSigner:
		return &trackedMultiSigner{t}
	case ssh.AlgorithmSigner:
		return t
	}
	return &trackedPlainSigner{s: s, ids: ids}
}

func (ids *identities) mark(k ssh.PublicKey) {
	ids.mu.Lock()
	ids.used = k
	ids.mu.Unlock()
}

type trackedSigner struct {
	ssh.Signer
	ids *identities
}

func (t *trackedSigner) Sign(rand io.Reader, data []byte) (*ssh.Signature, error) {
	t.ids.mark(t.PublicKey())
	return t.Signer.Sign(rand, data)
}

func (t *trackedSigner) SignWithAlgorithm(rand io.Reader, data []byte, algorithm string) (*ssh.Signature, error) {
	t.ids.mark(t.PublicKey())
	return t.Signer.(ssh.AlgorithmSigner).SignWithAlgorithm(rand, data, algorithm)
}

type trackedMultiSigner struct{ *trackedSigner }

func (t *trackedMultiSigner) Algorithms() []string {
	return t.Signer.(ssh.MultiAlgorithmSigner).Algorithms()
}

type trackedPlainSigner struct {
	s   ssh.Signer
	ids *identities
}

func (t *trackedPlainSigner) PublicKey() ssh.PublicKey { return t.s.PublicKey() }

func (t *trackedPlainSigner) Sign(rand io.Reader, data []byte) (*ssh.Signature, error) {
	t.ids.mark(t.PublicKey())
	return t.s.Sign(rand, data)
}
