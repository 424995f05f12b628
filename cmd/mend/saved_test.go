package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mend-sh/mend/internal/sshtest"
	"golang.org/x/crypto/ssh"
)

// savedEnv is a work dir with an inventory of one host (web-1) on a real
// sshd, a runbook whose repair writes target.conf, and its own state dir.
type savedEnv struct {
	t   *testing.T
	srv *sshtest.Server
	dir string
}

func newSavedEnv(t *testing.T) *savedEnv {
	srv := sshtest.Start(t)
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	t.Setenv("NO_COLOR", "1")
	inv := fmt.Sprintf("defaults {\n  port          = %d\n  user          = %q\n  identity_file = %q\n  known_hosts   = %q\n}\nhost \"web-1\" {\n  address = \"127.0.0.1\"\n}\n",
		srv.Port, srv.User, srv.IdentityFile, srv.KnownHostsFile)
	rb := fmt.Sprintf(`repair "file" "install" {
  on      = ["web-1"]
  path    = %q
  content = "new\n"
  approval {
    reason = "test"
  }
}
`, filepath.Join(dir, "target.conf"))
	for name, body := range map[string]string{"inventory.mend.hcl": inv, "runbook.mend.hcl": rb, "target.conf": "old\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return &savedEnv{t: t, srv: srv, dir: dir}
}

func (e *savedEnv) mend(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// TestSavedPlanRefusesChangedHostKey: the host's key changed after the
// plan and known_hosts was updated to trust the new one (so the SSH layer
// accepts it): apply of the saved plan still refuses, naming both keys,
// and changes nothing.
func TestSavedPlanRefusesChangedHostKey(t *testing.T) {
	e := newSavedEnv(t)
	if code, out, errs := e.mend("plan", "-i", "inventory.mend.hcl", "-out", "plan.json", "runbook.mend.hcl"); code != 0 {
		t.Fatalf("plan: exit %d\n%s\n%s", code, out, errs)
	}
	old := e.srv.HostKey
	e.srv.RegenerateHostKey(t)
	sshtest.WriteKnownHosts(t, e.srv.KnownHostsFile, e.srv.Hostname, e.srv.Port, e.srv.HostKey)
	code, out, errs := e.mend("apply", "--approve", "repair.file.install", "plan.json")
	if code == 0 {
		t.Fatalf("apply of a plan whose host key changed succeeded:\n%s\n%s", out, errs)
	}
	if !strings.Contains(errs, "the host key of web-1 changed since the plan") || !strings.Contains(errs, ssh.FingerprintSHA256(old)) {
		t.Errorf("stderr does not name the changed key:\n%s", errs)
	}
	if b, _ := os.ReadFile(filepath.Join(e.dir, "target.conf")); string(b) != "old\n" {
		t.Errorf("target.conf changed: %q", b)
	}
	// The same plan made now (new key) applies.
	if code, out, errs := e.mend("plan", "-i", "inventory.mend.hcl", "-out", "plan2.json", "runbook.mend.hcl"); code != 0 {
		t.Fatalf("plan: exit %d\n%s\n%s", code, out, errs)
	}
	if code, out, errs := e.mend("apply", "--approve", "repair.file.install", "plan2.json"); code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errs)
	}
}
