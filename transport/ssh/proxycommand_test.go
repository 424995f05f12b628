package ssh_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/shell"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	"golang.org/x/crypto/ssh"
)

// TestProxyCommand: ssh_config's ProxyCommand is run as OpenSSH runs it
// (the classic `ssh -W %h:%p bastion`, with the real OpenSSH client as
// the proxy and the same sshd as bastion and target): mend's connection
// goes through it, the tokens are expanded, the host key is still checked
// under the host's address, closing the connection ends the proxy, and a
// proxy that fails is named in the error with its stderr.
func TestProxyCommand(t *testing.T) {
	s := sshtest.Start(t)
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "proxy.pid")
	seen := filepath.Join(dir, "seen")
	var b strings.Builder
	for _, a := range s.SSHArgs()[:len(s.SSHArgs())-1] { // all but the host
		b.WriteString(shell.Quote(a) + " ")
	}
	proxy := "sh -c 'echo $$ > " + pidFile + "; echo %h %p %r %n %% > " + seen + "; exec ssh " + strings.ReplaceAll(b.String(), "'", `'\''`) + "-W %h:%p " + s.Hostname + "'"
	conf := filepath.Join(dir, "config")
	os.WriteFile(conf, []byte("Host sshtest\n  ProxyCommand "+proxy+"\n"), 0o600)
	cfg := s.Config()
	cfg.SSHConfigFile = conf

	p := newPool(t, cfg)
	h, err := p.Host(testCtx(t, 15*time.Second), s.Target())
	if err != nil {
		t.Fatalf("through ProxyCommand: %v\nsshd log:\n%s", err, s.Log())
	}
	res, err := h.Exec(testCtx(t, 10*time.Second), steps.ExecRequest{Command: "echo through"})
	if err != nil || strings.TrimSpace(string(res.Stdout)) != "through" {
		t.Fatalf("exec through the proxy: %+v, %v", res, err)
	}
	got, _ := os.ReadFile(seen)
	if want := s.Hostname + " " + strconv.Itoa(s.Port) + " " + s.User + " sshtest %\n"; string(got) != want {
		t.Errorf("the proxy saw tokens %q, want %q", got, want)
	}
	pidText, _ := os.ReadFile(pidFile)
	pid, err := strconv.Atoi(strings.TrimSpace(string(pidText)))
	if err != nil {
		t.Fatalf("proxy pid %q: %v", pidText, err)
	}
	if syscall.Kill(pid, 0) != nil {
		t.Fatal("the proxy is not running while the connection is open")
	}
	p.Close()
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(pid, 0) == nil && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if syscall.Kill(pid, 0) == nil && !zombie(pid) {
		t.Errorf("the proxy (pid %d) still runs 10 s after the connection was closed", pid)
	}

	// The host key is checked as for a direct connection: a wrong one is
	// refused through the proxy too.
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := ssh.NewPublicKey(pub)
	wrong := filepath.Join(dir, "wrong_known_hosts")
	sshtest.WriteKnownHosts(t, wrong, s.Hostname, s.Port, other)
	wrongCfg := cfg
	wrongCfg.KnownHostsFile = wrong
	_, err = newPool(t, wrongCfg).Host(testCtx(t, 15*time.Second), s.Target())
	wantClass(t, err, steps.ClassHostKey)

	// A proxy that fails: unreachable, naming the command and its stderr.
	os.WriteFile(conf, []byte("Host sshtest\n  ProxyCommand sh -c \"echo 'bastion.example: no route to host' >&2; exit 3\"\n"), 0o600)
	_, err = newPool(t, cfg).Host(testCtx(t, 15*time.Second), s.Target())
	wantClass(t, err, steps.ClassUnreachable)
	for _, want := range []string{"through ProxyCommand sh -c", "exit status 3", "bastion.example: no route to host"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not say %q", err, want)
		}
	}

	// A proxy that never answers is bounded by the connect timeout and
	// ended.
	os.WriteFile(conf, []byte("Host sshtest\n  ProxyCommand sleep 600\n"), 0o600)
	cfg.ConnectTimeout = time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	_, err = newPool(t, cfg).Host(ctx, s.Target())
	if err == nil || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("a silent proxy: %v after %s", err, time.Since(start))
	}
	wantClass(t, err, steps.ClassUnreachable)
}

// zombie says whether pid has exited and waits for its parent to reap it.
func zombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	f := strings.Fields(string(b))
	return len(f) > 2 && f[2] == "Z"
}
