package sshtest

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"os"
	"testing"

	"golang.org/x/crypto/ssh"
)

// writeKey generates an ed25519 key, writes its private half in OpenSSH
// format to path (0600) and its public half to path+".pub".
func writeKey(t testing.TB, path, comment string) ssh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, comment)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	pub := ssh.MarshalAuthorizedKey(signer.PublicKey())
	if err := os.WriteFile(path+".pub", pub, 0o644); err != nil {
		t.Fatal(err)
	}
	return signer
}

// KnownHostsLine is the known_hosts line for key at host:port, in the
// form OpenSSH writes ("[127.0.0.1]:2222 ssh-ed25519 AAAA...").
func KnownHostsLine(host string, port int, key ssh.PublicKey) string {
	return knownhostsLine(host, port, key)
}

// WriteKnownHosts writes a known_hosts file at path holding one line per
// key for host:port (none: an empty file), replacing what was there.
func WriteKnownHosts(t testing.TB, path, host string, port int, keys ...ssh.PublicKey) {
	t.Helper()
	var data []byte
	for _, k := range keys {
		data = append(data, knownhostsLine(host, port, k)+"\n"...)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
