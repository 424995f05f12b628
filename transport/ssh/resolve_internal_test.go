package ssh

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps"
)

func TestResolve(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	os.MkdirAll(filepath.Join(home, ".ssh"), 0o700)
	os.WriteFile(filepath.Join(home, ".ssh", "id_ed25519"), nil, 0o600)
	conf := filepath.Join(t.TempDir(), "config")
	os.WriteFile(conf, []byte(`Host db1
  HostName 10.0.0.5
  Port 2200
  User ops
  IdentityFile ~/.ssh/db_%n
  IdentityFile %d/.ssh/other
Host bad
  Port many
Host *
  User fallback
`), 0o600)
	cfg := Config{SSHConfigFile: conf}
	tests := []struct {
		name string
		in   Target
		want endpoint
	}{
		{"alias from ssh_config", Target{Name: "db1"}, endpoint{Name: "db1", Host: "10.0.0.5", Port: 2200, User: "ops",
			IdentityFiles: []string{home + "/.ssh/db_db1", home + "/.ssh/other"}, explicitIDs: true}},
		{"target fields win", Target{Name: "db1", Address: "db1.example", Port: 22, User: "me", IdentityFiles: []string{"/k"}},
			endpoint{Name: "db1", Host: "db1.example", Port: 22, User: "me", IdentityFiles: []string{"/k"}, explicitIDs: true}},
		{"unknown alias: name is the host, Host * applies", Target{Name: "web7", Sudo: true},
			endpoint{Name: "web7", Host: "web7", Port: 22, User: "fallback", IdentityFiles: []string{home + "/.ssh/id_ed25519"}, Sudo: true}},
		{"address only", Target{Address: "192.0.2.9"}, endpoint{Name: "192.0.2.9", Host: "192.0.2.9", Port: 22, User: "fallback",
			IdentityFiles: []string{home + "/.ssh/id_ed25519"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := resolve(cfg, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(endpoint{}, algorithms{})); diff != "" {
				t.Errorf("resolve (-want +got):\n%s", diff)
			}
		})
	}
	_, err := resolve(cfg, Target{Name: "bad"})
	if steps.Classify(err) != steps.ClassConfig || !strings.Contains(err.Error(), `invalid Port "many"`) {
		t.Errorf("bad port: %v", err)
	}
	_, err = resolve(Config{SSHConfigFile: "none"}, Target{})
	if steps.Classify(err) != steps.ClassConfig {
		t.Errorf("empty target: %v", err)
	}
}
