package etcd_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/labtest"
)

// labRun is a running lab with a mend binary built from this checkout.
type labRun struct {
	*labtest.Lab
	bin   string
	audit string
}

func startLab(t *testing.T) *labRun {
	t.Helper()
	lab := labtest.Start(t, "127.0.2", true)
	bin := filepath.Join(t.TempDir(), "mend")
	build := exec.Command("go", "build", "-o", bin, "./cmd/mend")
	build.Dir = lab.Repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return &labRun{Lab: lab, bin: bin, audit: filepath.Join(t.TempDir(), "audit.jsonl")}
}

// mend runs the mend binary with the lab's inventory, vars and audit log
// for plan and apply (args[0]); it returns stdout, stderr and the exit code.
func (l *labRun) mend(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	full := args
	if args[0] == "plan" || args[0] == "apply" {
		full = append([]string{args[0], "-i", l.Inventory(), "--var-file", l.Vars(), "--audit-log", l.audit}, args[1:]...)
	}
	cmd := exec.CommandContext(ctx, l.bin, full...)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("mend %s: %v", strings.Join(args, " "), err)
	}
	return stdout.String(), stderr.String(), code
}

// ssh runs a shell command on a lab host and fails t if it fails.
func (l *labRun) ssh(t *testing.T, host, command string) string {
	t.Helper()
	out, err := l.Run(2*time.Minute, "ssh", host, command)
	if err != nil {
		t.Fatalf("ssh %s %q: %v\n%s", host, command, err, out)
	}
	return out
}

// etcdctl is an etcdctl command line run on host against the member
// endpoints given (e.g. "127.0.2.21:2379"), with the member's client cert.
func etcdctl(endpoints string, args string) string {
	return fmt.Sprintf("ETCDCTL_API=3 etcdctl --endpoints %s --cacert /etc/etcd/ssl/ca.pem --cert /etc/etcd/ssl/server.pem --key /etc/etcd/ssl/server.key --command-timeout 15s %s", endpoints, args)
}

// endpoints are the lab's etcd client endpoints.
func (l *labRun) endpoints() string {
	return fmt.Sprintf("https://%s.21:2379,https://%s.22:2379,https://%s.23:2379", l.Net, l.Net, l.Net)
}

var etcdHosts = []string{"etcd-01", "etcd-02", "etcd-03"}

// diagnose logs the runit state of etcd on every member (for a failed
// apply: a start_command that timed out says only "down").
func (l *labRun) diagnose(t *testing.T) {
	t.Helper()
	for _, h := range etcdHosts {
		t.Log(l.Diagnose(h, "etcd"))
	}
}
