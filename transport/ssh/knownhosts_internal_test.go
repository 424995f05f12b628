package ssh

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAlgorithmsFromKnownHosts(t *testing.T) {
	dir := t.TempDir()
	kh := filepath.Join(dir, "known_hosts")
	// The same ed25519 key for two hosts; only h:2222 is asked about.
	os.WriteFile(kh, []byte(
		"[h]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHr8B4S8n8T0ZQ7b3nGZ0qgvYlYJ8m0eHj3k1d7w3Gm5\n"+
			"other ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHr8B4S8n8T0ZQ7b3nGZ0qgvYlYJ8m0eHj3k1d7w3Gm5\n"), 0o600)
	hk, err := newHostKeyCheck(kh, false)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"ssh-ed25519"}, hk.algorithms("h:2222")); diff != "" {
		t.Errorf("known host (-want +got):\n%s", diff)
	}
	if got := hk.algorithms("unknown:22"); got != nil {
		t.Errorf("unknown host: %v, want nil (no preference)", got)
	}
	if diff := cmp.Diff([]string{"rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"}, algorithmsFor("ssh-rsa")); diff != "" {
		t.Errorf("rsa (-want +got):\n%s", diff)
	}
}
