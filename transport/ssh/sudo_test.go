package ssh_test

import (
	"os"
	"os/exec"
	"testing"
)

// requireSudo skips without sudo (CI installs it, so there it fails).
func requireSudo(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("sudo"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("sudo is required in CI")
		}
		t.Skip("sudo not installed")
	}
	if os.Geteuid() != 0 {
		t.Skip("sudo -n without a password is only certain for root")
	}
}
