// Package sshsig signs and verifies messages in OpenSSH's SSHSIG format
// (PROTOCOL.sshsig): what `ssh-keygen -Y sign` writes and `ssh-keygen -Y
// verify` and git's SSH signing check. golang.org/x/crypto has no SSHSIG
// package (as of v0.59.0); the format is small, and this one is tested
// against ssh-keygen both ways.
package sshsig

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"
)

const (
	magic   = "SSHSIG"
	version = 1
	// PEMType is the armor's type line.
	PEMType = "SSH SIGNATURE"
)

// Signature is a parsed SSHSIG signature.
type Signature struct {
	PublicKey ssh.PublicKey
	Namespace string
	HashAlg   string // "sha256" or "sha512"
	Signature *ssh.Signature
}

// wire is the signature blob after the magic preamble.
type wire struct {
	Version   uint32
	PublicKey []byte
	Namespace string
	Reserved  string
	HashAlg   string
	Signature []byte
}

// signedData is what the key actually signs.
type signedData struct {
	Namespace string
	Reserved  string
	HashAlg   string
	Hash      []byte
}

func digest(alg string, msg []byte) ([]byte, error) {
	switch alg {
	case "sha512":
		s := sha512.Sum512(msg)
		return s[:], nil
	case "sha256":
		s := sha256.Sum256(msg)
		return s[:], nil
	}
	return nil, fmt.Errorf("sshsig: unsupported hash algorithm %q", alg)
}

func toSign(namespace, alg string, msg []byte) ([]byte, error) {
	h, err := digest(alg, msg)
	if err != nil {
		return nil, err
	}
	return append([]byte(magic), ssh.Marshal(signedData{Namespace: namespace, HashAlg: alg, Hash: h})...), nil
}

// Sign signs msg in namespace with SHA-512 (as ssh-keygen does) and
// returns the armored signature. RSA keys sign with rsa-sha2-512, as the
// protocol requires.
func Sign(signer ssh.Signer, namespace string, msg []byte) ([]byte, error) {
	if namespace == "" {
		return nil, errors.New("sshsig: a namespace is required")
	}
	data, err := toSign(namespace, "sha512", msg)
	if err != nil {
		return nil, err
	}
	var sig *ssh.Signature
	if signer.PublicKey().Type() == ssh.KeyAlgoRSA {
		as, ok := signer.(ssh.AlgorithmSigner)
		if !ok {
			return nil, errors.New("sshsig: this RSA signer cannot sign with rsa-sha2-512")
		}
		sig, err = as.SignWithAlgorithm(rand.Reader, data, ssh.KeyAlgoRSASHA512)
	} else {
		sig, err = signer.Sign(rand.Reader, data)
	}
	if err != nil {
		return nil, fmt.Errorf("sshsig: sign: %w", err)
	}
	blob := append([]byte(magic), ssh.Marshal(wire{
		Version: version, PublicKey: signer.PublicKey().Marshal(), Namespace: namespace,
		HashAlg: "sha512", Signature: ssh.Marshal(sig),
	})...)
	return armor(blob), nil
}

// armor wraps blob as ssh-keygen does: base64 in lines of 70 characters.
func armor(blob []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(blob)
	var b strings.Builder
	b.WriteString("-----BEGIN " + PEMType + "-----\n")
	for len(enc) > 70 {
		b.WriteString(enc[:70] + "\n")
		enc = enc[70:]
	}
	b.WriteString(enc + "\n-----END " + PEMType + "-----\n")
	return []byte(b.String())
}

// Parse reads an armored signature.
func Parse(armored []byte) (*Signature, error) {
	block, rest := pem.Decode(bytes.TrimSpace(armored))
	if block == nil || block.Type != PEMType {
		return nil, errors.New("sshsig: not an armored SSH signature (-----BEGIN SSH SIGNATURE-----)")
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, errors.New("sshsig: data after the signature")
	}
	b := block.Bytes
	if !bytes.HasPrefix(b, []byte(magic)) {
		return nil, errors.New("sshsig: bad magic preamble")
	}
	var w wire
	if err := ssh.Unmarshal(b[len(magic):], &w); err != nil {
		return nil, fmt.Errorf("sshsig: %w", err)
	}
	if w.Version != version {
		return nil, fmt.Errorf("sshsig: unsupported version %d", w.Version)
	}
	pub, err := ssh.ParsePublicKey(w.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("sshsig: public key: %w", err)
	}
	var sig ssh.Signature
	if err := ssh.Unmarshal(w.Signature, &sig); err != nil {
		return nil, fmt.Errorf("sshsig: signature: %w", err)
	}
	if _, err := digest(w.HashAlg, nil); err != nil {
		return nil, err
	}
	return &Signature{PublicKey: pub, Namespace: w.Namespace, HashAlg: w.HashAlg, Signature: &sig}, nil
}

// Verify checks that s signs msg in namespace with its public key. It
// says nothing about who holds the key: check that against allowed
// signers (AllowedSigners.Principals).
func (s *Signature) Verify(namespace string, msg []byte) error {
	if s.Namespace != namespace {
		return fmt.Errorf("sshsig: signature is for namespace %q, not %q", s.Namespace, namespace)
	}
	if s.PublicKey.Type() == ssh.KeyAlgoRSA && s.Signature.Format == ssh.KeyAlgoRSA {
		return errors.New("sshsig: RSA signature uses SHA-1 (ssh-rsa); SSHSIG requires rsa-sha2-256 or -512")
	}
	data, err := toSign(namespace, s.HashAlg, msg)
	if err != nil {
		return err
	}
	if err := s.PublicKey.Verify(data, s.Signature); err != nil {
		return fmt.Errorf("sshsig: the signature does not match this message: %w", err)
	}
	return nil
}
