package ssh_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

func TestAuthClientKeyFingerprint(t *testing.T) {
	s := sshtest.Start(t)
	dir := t.TempDir()
	stranger := writeEd25519(t, filepath.Join(dir, "stranger"), "")
	target := s.Target()
	// The first key offered is refused; the second authenticates.
	target.IdentityFiles = []string{filepath.Join(dir, "stranger"), s.IdentityFile}
	h, err := newPool(t, s.Config()).Host(testCtx(t, 10*time.Second), target)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := h.Info().ClientKeyFingerprint, ssh.FingerprintSHA256(s.ClientKey.PublicKey()); got != want {
		t.Errorf("ClientKeyFingerprint = %s, want %s (the refused key is %s)", got, want, ssh.FingerprintSHA256(stranger))
	}
}

func TestAuthFailures(t *testing.T) {
	s := sshtest.Start(t)
	dir := t.TempDir()
	writeEd25519(t, filepath.Join(dir, "stranger"), "")
	writeEd25519(t, filepath.Join(dir, "locked"), "secret")
	os.WriteFile(filepath.Join(dir, "garbage"), []byte("not a key"), 0o600)
	tests := []struct {
		name  string
		files []string
		class steps.ErrorClass
		want  string
	}{
		{"key not authorized", []string{filepath.Join(dir, "stranger")}, steps.ClassAuth, "accepted none of the keys"},
		{"encrypted key without agent", []string{filepath.Join(dir, "locked")}, steps.ClassAuth, "is encrypted: load it into ssh-agent"},
		{"missing identity file", []string{filepath.Join(dir, "nope")}, steps.ClassConfig, filepath.Join(dir, "nope")},
		{"not a key", []string{filepath.Join(dir, "garbage")}, steps.ClassConfig, filepath.Join(dir, "garbage")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := s.Target()
			target.IdentityFiles = tt.files
			_, err := newPool(t, s.Config()).Host(testCtx(t, 10*time.Second), target)
			wantClass(t, err, tt.class)
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

// TestAuthAgent: an encrypted key file is usable when the agent holds it.
func TestAuthAgent(t *testing.T) {
	s := sshtest.Start(t)
	keyring := agent.NewKeyring()
	priv := readEd25519(t, s.IdentityFile)
	if err := keyring.Add(agent.AddedKey{PrivateKey: priv}); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(t.TempDir(), "agent.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { agent.ServeAgent(keyring, c); c.Close() }()
		}
	}()
	t.Setenv("SSH_AUTH_SOCK", sock)
	locked := filepath.Join(t.TempDir(), "locked")
	block, _ := ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte("secret"))
	os.WriteFile(locked, pem.EncodeToMemory(block), 0o600)

	cfg := s.Config()
	cfg.UseAgent = true
	target := s.Target()
	target.IdentityFiles = []string{locked}
	h, err := newPool(t, cfg).Host(testCtx(t, 10*time.Second), target)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := h.Info().ClientKeyFingerprint, ssh.FingerprintSHA256(s.ClientKey.PublicKey()); got != want {
		t.Errorf("ClientKeyFingerprint = %s, want %s", got, want)
	}
}

func writeEd25519(t *testing.T, path, passphrase string) ssh.PublicKey {
	t.Helper()
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	var block *pem.Block
	var err error
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(priv, "")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte(passphrase))
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	k, _ := ssh.NewPublicKey(pub)
	return k
}

func readEd25519(t *testing.T, path string) ed25519.PrivateKey {
	t.Helper()
	k, err := ssh.ParseRawPrivateKey(mustRead(t, path))
	if err != nil {
		t.Fatal(err)
	}
	return *k.(*ed25519.PrivateKey)
}
