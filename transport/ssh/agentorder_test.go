package ssh_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	mendssh "github.com/mend-sh/mend/transport/ssh"
	"golang.org/x/crypto/ssh"
)

// startAgent runs a real OpenSSH ssh-agent for t holding n fresh keys
// (none of which the test sshd accepts) and points SSH_AUTH_SOCK at it.
func startAgent(t *testing.T, n int) {
	t.Helper()
	if _, err := exec.LookPath("ssh-agent"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ssh-agent is not installed (./scripts/deps.sh installs openssh-client)")
		}
		t.Skip("ssh-agent is not installed")
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "agent.sock")
	agent := exec.Command("ssh-agent", "-D", "-a", sock)
	if err := agent.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { agent.Process.Kill(); agent.Wait() })
	for i := 0; i < 100; i++ {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Setenv("SSH_AUTH_SOCK", sock)
	for i := 0; i < n; i++ {
		key := filepath.Join(dir, fmt.Sprintf("other%d", i))
		writeEd25519(t, key, "")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		out, err := exec.CommandContext(ctx, "ssh-add", key).CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("ssh-add %s: %v: %s", key, err, out)
		}
	}
	out, _ := exec.Command("ssh-add", "-l").Output()
	if got := strings.Count(string(out), "\n"); got != n {
		t.Fatalf("the agent holds %d keys, want %d:\n%s", got, n, out)
	}
}

// TestIdentityFileBeforeAgentKeys (issue 7.8): a real ssh-agent holding
// seven keys the server refuses, a real sshd with MaxAuthTries 3, and the
// inventory's identity file: mend authenticates with the identity file,
// because it is offered first. Offering the agent's keys first (as mend
// did) exhausts MaxAuthTries before the right key is tried.
func TestIdentityFileBeforeAgentKeys(t *testing.T) {
	s := sshtest.Start(t, sshtest.WithConfig("MaxAuthTries 3"))
	startAgent(t, 7)
	cfg := s.Config()
	cfg.UseAgent = true
	h, err := newPool(t, cfg).Host(testCtx(t, 10*time.Second), s.Target())
	if err != nil {
		t.Fatalf("connect with the identity file and an agent of 7 other keys: %v", err)
	}
	if got, want := h.Info().ClientKeyFingerprint, ssh.FingerprintSHA256(s.ClientKey.PublicKey()); got != want {
		t.Errorf("authenticated with %s, want the identity file's key %s", got, want)
	}
}

// TestIdentitiesOnly: with IdentitiesOnly yes in ssh_config, the agent's
// keys are never offered: the right key is in the agent only and the
// identity file holds a key the server refuses, so authentication fails,
// saying the agent keys were left out; without IdentitiesOnly the same
// setup authenticates with the agent's key.
func TestIdentitiesOnly(t *testing.T) {
	s := sshtest.Start(t)
	startAgent(t, 2)
	if out, err := exec.Command("ssh-add", s.IdentityFile).CombinedOutput(); err != nil {
		t.Fatalf("ssh-add: %v: %s", err, out)
	}
	stranger := filepath.Join(t.TempDir(), "stranger")
	writeEd25519(t, stranger, "")
	for _, only := range []string{"yes", "no"} {
		t.Run("IdentitiesOnly "+only, func(t *testing.T) {
			conf := filepath.Join(t.TempDir(), "config")
			os.WriteFile(conf, []byte(fmt.Sprintf("Host lab\n  HostName %s\n  Port %d\n  User %s\n  IdentityFile %s\n  IdentitiesOnly %s\n",
				s.Hostname, s.Port, s.User, stranger, only)), 0o600)
			cfg := s.Config()
			cfg.SSHConfigFile = conf
			cfg.UseAgent = true
			h, err := newPool(t, cfg).Host(testCtx(t, 10*time.Second), mendssh.Target{Name: "lab"})
			if only == "no" {
				if err != nil {
					t.Fatalf("without IdentitiesOnly the agent's key should authenticate: %v", err)
				}
				if got, want := h.Info().ClientKeyFingerprint, ssh.FingerprintSHA256(s.ClientKey.PublicKey()); got != want {
					t.Errorf("authenticated with %s, want the agent's %s", got, want)
				}
				return
			}
			if err == nil {
				t.Fatalf("IdentitiesOnly yes authenticated with %s: an agent key was offered", h.Info().ClientKeyFingerprint)
			}
			wantClass(t, err, steps.ClassAuth)
			if !strings.Contains(err.Error(), "(IdentitiesOnly)") {
				t.Errorf("error %q does not say the agent keys were left out", err)
			}
		})
	}
}
