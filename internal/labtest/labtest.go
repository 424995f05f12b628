package labtest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// Lab is a running lab.
type Lab struct {
	Dir    string // MEND_LAB_DIR: inventory.mend.hcl, lab.vars.hcl, ssh/, pki/, hosts/
	Net    string // MEND_LAB_NET: k8s-master is Net.11, etcd-0N is Net.2N
	Script string // lab.sh
	Repo   string // the repository root
}

// Require skips t when the lab cannot run here (not root, a binary
// missing, -short) unless $CI is set, where it fails instead: CI installs
// everything, so a missing piece there is a defect.
func Require(t testing.TB) {
	t.Helper()
	skip := func(why string) {
		if os.Getenv("CI") != "" {
			t.Fatalf("lab test cannot run under CI: %s", why)
		}
		t.Skip(why)
	}
	if testing.Short() {
		t.Skip("the lab takes ~15 s to start; skipped with -short")
	}
	if os.Geteuid() != 0 {
		skip("the lab needs root")
	}
	for _, bin := range []string{"sshd", "ssh", "ssh-keygen", "etcd", "etcdctl", "runsvdir", "sv", "svlogd", "puppet", "unshare", "flock", "ss", "openssl", "curl", "go"} {
		if _, err := exec.LookPath(bin); err != nil {
			skip(bin + " is not installed (make test installs it)")
		}
	}
}

// Start brings a lab up (broken, as on the night, unless healthy) on the
// address base net (e.g. "127.0.2") and takes it down in t.Cleanup.
func Start(t testing.TB, net string, healthy bool) *Lab {
	t.Helper()
	Require(t)
	_, file, _, _ := runtime.Caller(0)
	repo := filepath.Join(filepath.Dir(file), "..", "..")
	l := &Lab{Dir: filepath.Join(t.TempDir(), "lab"), Net: net, Repo: repo,
		Script: filepath.Join(repo, "examples", "lab", "lab.sh")}
	args := []string{"up"}
	if healthy {
		args = append(args, "--healthy")
	}
	t.Cleanup(func() {
		if out, err := l.Run(2*time.Minute, "down"); err != nil {
			t.Errorf("lab down: %v\n%s", err, out)
		}
	})
	if out, err := l.Run(5*time.Minute, args...); err != nil {
		t.Fatalf("lab up: %v\n%s", err, out)
	}
	return l
}

// Run runs lab.sh with args against this lab and returns its output.
func (l *Lab) Run(timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, l.Script, args...)
	cmd.Env = append(os.Environ(), "MEND_LAB_DIR="+l.Dir, "MEND_LAB_NET="+l.Net)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Inventory is the inventory file the lab wrote for mend.
func (l *Lab) Inventory() string { return filepath.Join(l.Dir, "inventory.mend.hcl") }

// Vars is the variables file the lab wrote for runbooks.
func (l *Lab) Vars() string { return filepath.Join(l.Dir, "lab.vars.hcl") }

// HostPath is where a host's file lives on the machine: the lab binds
// $MEND_LAB_DIR/hosts/HOST/<dir> over system paths inside each host.
func (l *Lab) HostPath(host, dir string, rest ...string) string {
	return filepath.Join(append([]string{l.Dir, "hosts", host, dir}, rest...)...)
}
