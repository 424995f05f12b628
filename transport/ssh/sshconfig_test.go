package ssh_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
)

// TestSSHConfigKexAlgorithms checks ssh_config's KexAlgorithms is what
// mend offers, against a real sshd that accepts only curve25519-sha256:
// a client config allowing only another exchange must fail, the same
// config allowing curve25519 (through ^, put first) must connect.
func TestSSHConfigKexAlgorithms(t *testing.T) {
	s := sshtest.Start(t, sshtest.WithConfig("KexAlgorithms curve25519-sha256"))
	conf := filepath.Join(t.TempDir(), "config")
	cfg := s.Config()
	cfg.SSHConfigFile = conf

	os.WriteFile(conf, []byte("Host sshtest\n  KexAlgorithms diffie-hellman-group14-sha256\n"), 0o600)
	_, err := newPool(t, cfg).Host(testCtx(t, 10*time.Second), s.Target())
	wantClass(t, err, steps.ClassUnreachable)
	if !strings.Contains(err.Error(), "no common algorithm") {
		t.Errorf("error %q does not say the key exchanges did not meet", err)
	}

	os.WriteFile(conf, []byte("Host sshtest\n  KexAlgorithms ^curve25519-sha256\n"), 0o600)
	if _, err := newPool(t, cfg).Host(testCtx(t, 10*time.Second), s.Target()); err != nil {
		t.Fatal(err)
	}
}
