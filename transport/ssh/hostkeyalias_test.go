package ssh_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	"golang.org/x/crypto/ssh"
)

// TestHostKeyAlias: ssh_config's HostKeyAlias makes mend look the host key
// up, and record it, under the alias alone, as OpenSSH does (checked
// against the real ssh client on the same files): the address's own
// entry is not consulted, a wrong key under the alias is a changed key,
// and accept-new writes the alias.
func TestHostKeyAlias(t *testing.T) {
	s := sshtest.Start(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "config")
	os.WriteFile(conf, []byte("Host sshtest\n  HostKeyAlias Shared-Name\n"), 0o600)
	kh := filepath.Join(dir, "known_hosts")
	cfg := s.Config()
	cfg.SSHConfigFile, cfg.KnownHostsFile = conf, kh
	line := func(name string, key ssh.PublicKey) string {
		return name + " " + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(key))) + "\n"
	}
	openssh := func() error {
		args := ([]string{"-F", conf, "-o", "HostName=" + s.Hostname, "-p", strconv.Itoa(s.Port), "-l", s.User, "-i", s.IdentityFile,
			"-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + kh,
			"-o", "GlobalKnownHostsFile=/dev/null", "-o", "ConnectTimeout=5", "sshtest", "true"})
		return exec.Command("ssh", args...).Run()
	}

	// Known under the alias only: mend and ssh connect.
	os.WriteFile(kh, []byte(line("shared-name", s.HostKey)), 0o600)
	_, err := newPool(t, cfg).Host(testCtx(t, 10*time.Second), s.Target())
	if err != nil {
		t.Fatalf("known under the alias: %v", err)
	}
	if err := openssh(); err != nil {
		t.Fatalf("ssh with the same files: %v", err)
	}

	// Known under the address only: not known (ssh refuses too).
	os.WriteFile(kh, []byte(line("["+s.Hostname+"]:"+strconv.Itoa(s.Port), s.HostKey)), 0o600)
	_, err = newPool(t, cfg).Host(testCtx(t, 10*time.Second), s.Target())
	wantClass(t, err, steps.ClassHostKey)
	if !strings.Contains(err.Error(), "shared-name") || !strings.Contains(err.Error(), "not known") {
		t.Errorf("error %q does not say the key is not known under the alias", err)
	}
	if openssh() == nil {
		t.Error("ssh connected with the key known under the address only; the test's premise is wrong")
	}

	// Another key under the alias: a changed key.
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	other, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(kh, []byte(line("shared-name", other)), 0o600)
	_, err = newPool(t, cfg).Host(testCtx(t, 10*time.Second), s.Target())
	wantClass(t, err, steps.ClassHostKey)
	if !strings.Contains(err.Error(), "CHANGED") {
		t.Errorf("error %q is not a changed-key error", err)
	}

	// accept-new records the alias, which ssh then accepts.
	os.Remove(kh)
	cfg.AcceptNew = true
	if _, err := newPool(t, cfg).Host(testCtx(t, 10*time.Second), s.Target()); err != nil {
		t.Fatalf("accept-new: %v", err)
	}
	b, _ := os.ReadFile(kh)
	if got := string(b); got != line("shared-name", s.HostKey) {
		t.Errorf("accept-new recorded %q, want the alias line", got)
	}
	if err := openssh(); err != nil {
		t.Errorf("ssh with the recorded file: %v", err)
	}
}
