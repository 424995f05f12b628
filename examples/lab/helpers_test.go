package lab_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"github.com/mend-sh/mend/internal/labtest"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testLab is one lab started by lab.sh for a test (internal/labtest),
// with the helpers this package's tests use on it.
type testLab struct {
	*labtest.Lab
}

// ssh runs command on a lab host with the lab's ssh_config, feeding stdin,
// and returns stdout and the exit status (-1 if ssh itself failed to run).
func (l *testLab) ssh(t *testing.T, host, command string, stdin []byte) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ssh", "-F", filepath.Join(l.Dir, "ssh", "ssh_config"), host, command)
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return stdout.String(), 0
	case errors.As(err, &exit) && exit.ExitCode() != 255:
		return stdout.String() + stderr.String(), exit.ExitCode()
	}
	t.Fatalf("ssh %s %q: %v\n%s", host, command, err, stderr.String())
	return "", -1
}

// readyz GETs the apiserver's /readyz?verbose.
func (l *testLab) readyz(t *testing.T) (int, string) {
	t.Helper()
	client := http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + l.Net + ".11:6443/readyz?verbose")
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// waitReadyz polls /readyz?verbose until it answers code with want in the
// body, or fails the test after timeout.
func (l *testLab) waitReadyz(t *testing.T, code int, want string, timeout time.Duration) {
	t.Helper()
	var gotCode int
	var body string
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		if gotCode, body = l.readyz(t); gotCode == code && strings.Contains(body, want) {
			return
		}
	}
	t.Fatalf("readyz did not answer %d with %q within %s; last: %d %q", code, want, timeout, gotCode, body)
}

// certInfo is what the test compares about a CA certificate.
type certInfo struct {
	Subject string
	SHA256  string
}

func parseCert(t *testing.T, what, data string) certInfo {
	t.Helper()
	block, _ := pem.Decode([]byte(data))
	if block == nil {
		t.Fatalf("%s: no PEM block in %q", what, data)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return certInfo{cert.Subject.String(), fmt.Sprintf("%x", sha256.Sum256(cert.Raw))}
}

// labProcesses lists running processes whose command line names dir.
func labProcesses(dir string) []string {
	var found []string
	paths, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err == nil && bytes.Contains(b, []byte(dir)) {
			found = append(found, strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	return found
}

// pidNamespaces reads the pid-namespace inodes lab.sh recorded per host.
func pidNamespaces(t *testing.T, dir string) map[uint64]bool {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "hosts", "*", "pidns"))
	if len(files) != 4 {
		t.Fatalf("want 4 hosts/*/pidns files in %s, found %v", dir, files)
	}
	ns := map[uint64]bool{}
	for _, f := range files {
		var ino uint64
		b, _ := os.ReadFile(f)
		if _, err := fmt.Sscan(string(b), &ino); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		ns[ino] = true
	}
	return ns
}

// namespaceMembers lists processes in any of the pid namespaces ns.
func namespaceMembers(ns map[uint64]bool) []string {
	var found []string
	links, _ := filepath.Glob("/proc/[0-9]*/ns/pid")
	for _, link := range links {
		target, err := os.Readlink(link)
		var ino uint64
		if err != nil || func() bool { _, err := fmt.Sscanf(target, "pid:[%d]", &ino); return err != nil }() {
			continue
		}
		if ns[ino] {
			found = append(found, link)
		}
	}
	return found
}
