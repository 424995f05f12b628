package ssh_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	mendssh "github.com/mend-sh/mend/transport/ssh"
)

// The benchmarks do the work BASELINES.md measured for OpenSSH, against
// the same kind of sshd (sshtest's config matches the baseline's), and
// time OpenSSH's client on that very sshd in the same run, so the ratio
// is what to compare: go test -bench . -benchtime 20x ./transport/ssh/

// BenchmarkExecOpenConnection is the per-step floor: a new session
// running `true` on a connection that is already open.
func BenchmarkExecOpenConnection(b *testing.B) {
	h := sshtest.Start(b).Host(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := h.Exec(ctx, steps.ExecRequest{Command: "true"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteFile1MiB replaces a 1 MiB file on an open connection
// (atomic write, sha256 checked on the host).
func BenchmarkWriteFile1MiB(b *testing.B) {
	h := sshtest.Start(b).Host(b)
	ctx := context.Background()
	req := steps.WriteFileRequest{Path: filepath.Join(b.TempDir(), "f"), Content: make([]byte, 1<<20)}
	for b.Loop() {
		if _, err := h.WriteFile(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkConnect is a cold step: TCP connect, handshake, auth, `true`.
func BenchmarkConnect(b *testing.B) {
	s := sshtest.Start(b)
	ctx := context.Background()
	for b.Loop() {
		p := mendssh.NewPool(s.Config())
		h, err := p.Host(ctx, s.Target())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := h.Exec(ctx, steps.ExecRequest{Command: "true"}); err != nil {
			b.Fatal(err)
		}
		p.Close()
	}
}

// BenchmarkOpenSSHMultiplexed is `ssh host true` through an open
// ControlMaster connection (BASELINES: 17 ms).
func BenchmarkOpenSSHMultiplexed(b *testing.B) {
	s := sshtest.Start(b)
	dir, err := os.MkdirTemp("", "mend-cm") // socket paths must be short
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(dir)
	args := append([]string{"-o", "ControlMaster=auto", "-o", "ControlPath=" + filepath.Join(dir, "s"),
		"-o", "ControlPersist=60"}, s.SSHArgs()...)
	runSSH(b, append(args, "true")...) // opens the master
	defer exec.Command("ssh", append(args[:len(args)-1:len(args)-1], "-O", "exit", s.Hostname)...).Run()
	for b.Loop() {
		runSSH(b, append(args, "true")...)
	}
}

// BenchmarkOpenSSHConnect is `ssh host true` with a new connection each
// time and OpenSSH's default key exchange (BASELINES: 0.30 s).
func BenchmarkOpenSSHConnect(b *testing.B) {
	s := sshtest.Start(b)
	for b.Loop() {
		runSSH(b, append(s.SSHArgs(), "true")...)
	}
}

func runSSH(b *testing.B, args ...string) {
	b.Helper()
	if _, err := exec.LookPath("ssh"); err != nil {
		b.Skip("no OpenSSH client")
	}
	if out, err := exec.Command("ssh", args...).CombinedOutput(); err != nil {
		b.Fatalf("ssh %v: %v\n%s", args, err, out)
	}
}
