package ssh_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/shell"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	mendssh "github.com/mend-sh/mend/transport/ssh"
)

// These tests cover the runner (runner.go): the one long-lived session
// per host that runs Exec, ReadFile and WriteFile commands one after
// another. They skip with MEND_SSH_RUNNER=0.

func requireRunner(t *testing.T) {
	t.Helper()
	if os.Getenv("MEND_SSH_RUNNER") == "0" {
		t.Skip("MEND_SSH_RUNNER=0")
	}
}

// sessions counts the sessions sshd started so far (LogLevel VERBOSE logs
// "Starting session:" for each).
func sessions(s *sshtest.Server) int { return strings.Count(s.Log(), "Starting session:") }

func mustExec(t *testing.T, h steps.Host, req steps.ExecRequest) steps.ExecResult {
	t.Helper()
	res, err := h.Exec(testCtx(t, 20*time.Second), req)
	if err != nil {
		t.Fatalf("Exec(%.60q): %v", req.Command, err)
	}
	return res
}

func wantOutput(t *testing.T, res steps.ExecResult, code int, stdout, stderr string) {
	t.Helper()
	if res.ExitCode != code || string(res.Stdout) != stdout || string(res.Stderr) != stderr {
		t.Errorf("got exit %d stdout %q stderr %q; want exit %d stdout %q stderr %q",
			res.ExitCode, res.Stdout, res.Stderr, code, stdout, stderr)
	}
}

// TestRunnerOneSession: commands, reads and writes on one Host, one after
// another, all run in one session.
func TestRunnerOneSession(t *testing.T) {
	requireRunner(t)
	s := sshtest.Start(t)
	h := s.Host(t)
	before := sessions(s)
	mustExec(t, h, steps.ExecRequest{Command: "true"})
	if n := sessions(s) - before; n != 1 {
		t.Errorf("the first command opened %d sessions, want 1 (its own)", n)
	}
	before = sessions(s)
	for i := range 10 {
		wantOutput(t, mustExec(t, h, steps.ExecRequest{Command: fmt.Sprintf("echo %d; echo e%d >&2", i, i)}), 0, fmt.Sprintf("%d\n", i), fmt.Sprintf("e%d\n", i))
	}
	path := filepath.Join(t.TempDir(), "f")
	ctx := testCtx(t, 20*time.Second)
	if _, err := h.WriteFile(ctx, steps.WriteFileRequest{Path: path, Content: []byte("hello\n")}); err != nil {
		t.Fatal(err)
	}
	if f, err := h.ReadFile(ctx, path); err != nil || string(f.Content) != "hello\n" {
		t.Fatalf("ReadFile = %q, %v", f.Content, err)
	}
	if n := sessions(s) - before; n != 1 {
		t.Errorf("10 commands, a write and a read opened %d sessions, want 1", n)
	}
}

// TestRunnerIsolation: what a command changes in its shell (cwd, umask,
// variables, traps, options, its exit or exec, closed descriptors) does
// not reach the next command on the same runner.
func TestRunnerIsolation(t *testing.T) {
	requireRunner(t)
	s := sshtest.Start(t)
	h := s.Host(t)
	warm(t, h)
	probe := steps.ExecRequest{Command: `pwd; umask; echo "${X-unset} ${Y-unset} $- $0 $#"; trap; alias; echo in`}
	want := mustExec(t, h, probe)
	before := sessions(s)
	for _, tt := range []struct {
		cmd  string
		code int
	}{
		{`cd /; umask 077; X=1; Y=2; export Y; set -u; alias ll=ls; trap 'echo trapped' EXIT INT`, 0},
		{`exit 3`, 3},
		{`exec true`, 0},
		{`exec 1>&- 2>&-`, 0},
		{`exec 0<&-; exit 4`, 4},
		{`kill -TERM $$`, 143},
	} {
		if got := mustExec(t, h, steps.ExecRequest{Command: tt.cmd}); got.ExitCode != tt.code {
			t.Errorf("Exec(%q) exit %d, want %d (stderr %q)", tt.cmd, got.ExitCode, tt.code, got.Stderr)
		}
		got := mustExec(t, h, probe)
		wantOutput(t, got, want.ExitCode, string(want.Stdout), string(want.Stderr))
	}
	if n := sessions(s) - before; n != 0 {
		t.Errorf("%d new sessions, want none: every command ran on the runner", n)
	}
}

// TestRunnerStdin: a command gets exactly its stdin; what it leaves
// unread is not run by the runner, and the next command works.
func TestRunnerStdin(t *testing.T) {
	requireRunner(t)
	s := sshtest.Start(t)
	h := s.Host(t)
	warm(t, h)
	before := sessions(s)
	content := make([]byte, 1<<20)
	rand.Read(content)
	copy(content[1000:], "\necho PWNED; touch pwned\n")
	copy(content[len(content)-30:], "\necho PWNED; touch pwned\n")
	sum := sha256.Sum256(content)
	wantOutput(t, mustExec(t, h, steps.ExecRequest{Command: "sha256sum", Stdin: content}), 0, hex.EncodeToString(sum[:])+"  -\n", "")
	wantOutput(t, mustExec(t, h, steps.ExecRequest{Command: "true", Stdin: content}), 0, "", "")
	wantOutput(t, mustExec(t, h, steps.ExecRequest{Command: "head -c 5", Stdin: content}), 0, string(content[:5]), "")
	wantOutput(t, mustExec(t, h, steps.ExecRequest{Command: "wc -c", Stdin: []byte{}}), 0, "0\n", "")
	wantOutput(t, mustExec(t, h, steps.ExecRequest{Command: "cat"}), 0, "", "")
	wantOutput(t, mustExec(t, h, steps.ExecRequest{Command: "echo ok; [ ! -e pwned ]"}), 0, "ok\n", "")
	path := filepath.Join(t.TempDir(), "big")
	ctx := testCtx(t, 30*time.Second)
	if _, err := h.WriteFile(ctx, steps.WriteFileRequest{Path: path, Content: content}); err != nil {
		t.Fatal(err)
	}
	if f, err := h.ReadFile(ctx, path); err != nil || !bytes.Equal(f.Content, content) {
		t.Fatalf("ReadFile after WriteFile: %d bytes, equal %v, %v", len(f.Content), bytes.Equal(f.Content, content), err)
	}
	if n := sessions(s) - before; n != 1 {
		t.Errorf("%d sessions, want 1", n)
	}
}

// TestRunnerOutputFraming: output comes back byte for byte: no trailing
// newline, empty, binary and NUL bytes, lines that look like the runner's
// markers.
func TestRunnerOutputFraming(t *testing.T) {
	requireRunner(t)
	h := sshtest.Start(t).Host(t)
	warm(t, h)
	fake := "S-0123456789abcdef0123456789abcdef\n\nE-0123456789abcdef0123456789abcdef 0\n"
	for _, tt := range []struct{ cmd, stdout, stderr string }{
		{`printf abc`, "abc", ""},
		{`true`, "", ""},
		{`echo`, "\n", ""},
		{`printf '\n\n'; printf '\n' >&2`, "\n\n", "\n"},
		{`printf 'a\000b\377\001\n\000'; printf '\000x' >&2`, "a\x00b\xff\x01\n\x00", "\x00x"},
		{`printf '%s' "$1"`, "", ""},
		{"printf '" + fake + "'; printf '" + fake + "' >&2; printf 'E-'", fake + "E-", fake},
		{`printf 'S-'; printf '\nE-' >&2`, "S-", "\nE-"},
	} {
		wantOutput(t, mustExec(t, h, steps.ExecRequest{Command: tt.cmd}), 0, tt.stdout, tt.stderr)
	}
}

// TestRunnerOutputOverCap: output past the 8 MiB cap is cut with a note
// (the end marker is still found in what streams by), and the next
// command runs normally.
func TestRunnerOutputOverCap(t *testing.T) {
	requireRunner(t)
	s := sshtest.Start(t)
	h := s.Host(t)
	warm(t, h)
	before := sessions(s)
	res := mustExec(t, h, steps.ExecRequest{Command: "head -c 9000000 /dev/zero; head -c 8500000 /dev/zero >&2; echo done"})
	note := fmt.Sprintf("\n[mend: output truncated: only the first %d bytes were kept, %d more bytes were dropped]\n", 8<<20, 9000005-8<<20)
	if !bytes.HasSuffix(res.Stdout, []byte(note)) || len(res.Stdout) != 8<<20+len(note) {
		t.Errorf("stdout: %d bytes ending %q; want the cut and the note %q", len(res.Stdout), res.Stdout[max(0, len(res.Stdout)-120):], note)
	}
	if !bytes.Contains(res.Stderr, []byte("only the first 8388608 bytes were kept, 111392 more")) {
		t.Errorf("stderr: %d bytes, want the cut and a note", len(res.Stderr))
	}
	wantOutput(t, mustExec(t, h, steps.ExecRequest{Command: "echo ok"}), 0, "ok\n", "")
	if n := sessions(s) - before; n != 1 {
		t.Errorf("%d sessions, want 1", n)
	}
}

// TestRunnerTimeoutThenNext: a command killed at its deadline is gone,
// and the next command runs (on a new runner).
func TestRunnerTimeoutThenNext(t *testing.T) {
	requireRunner(t)
	h := sshtest.Start(t).Host(t)
	mustExec(t, h, steps.ExecRequest{Command: "true"})
	_, err := h.Exec(testCtx(t, time.Second), steps.ExecRequest{Command: "sleep 61.5"})
	wantClass(t, err, steps.ClassTimeout)
	wantOutput(t, mustExec(t, h, steps.ExecRequest{Command: "echo ok"}), 0, "ok\n", "")
	if !eventually(5*time.Second, func() bool { return len(processesRunning("sleep", "61.5")) == 0 }) {
		t.Errorf("sleep still running: %v", processesRunning("sleep", "61.5"))
	}
	// A timeout while the command reads stdin, too.
	_, err = h.Exec(testCtx(t, time.Second), steps.ExecRequest{Command: "cat >/dev/null; sleep 61.5", Stdin: make([]byte, 1<<20)})
	wantClass(t, err, steps.ClassTimeout)
	wantOutput(t, mustExec(t, h, steps.ExecRequest{Command: "echo ok"}), 0, "ok\n", "")
}

// TestRunnerBackgroundChild: output a command's background child writes
// after the command ended never becomes a later command's output: while
// the child is in the command's process group the next command goes to a
// new runner; a child that left the group and writes between two
// commands retires the runner.
func TestRunnerBackgroundChild(t *testing.T) {
	requireRunner(t)
	s := sshtest.Start(t)
	h := s.Host(t)
	warm(t, h)
	dir := t.TempDir()
	child := fmt.Sprintf(`trap '' PIPE; while [ ! -e %[1]s/go ]; do sleep 0.05; done; echo late; echo late >&2; touch %[1]s/wrote`, dir)
	wantOutput(t, mustExec(t, h, steps.ExecRequest{Command: "(" + child + ") &"}), 0, "", "")
	next := fmt.Sprintf(`touch %[1]s/go; while [ ! -e %[1]s/wrote ]; do sleep 0.05; done; echo ok`, dir)
	wantOutput(t, mustExec(t, h, steps.ExecRequest{Command: next}), 0, "ok\n", "")

	os.Remove(filepath.Join(dir, "go"))
	os.Remove(filepath.Join(dir, "wrote"))
	wantOutput(t, mustExec(t, h, steps.ExecRequest{Command: "setsid sh -c " + shell.Quote(child) + " &"}), 0, "", "")
	os.WriteFile(filepath.Join(dir, "go"), nil, 0o644)
	if !eventually(10*time.Second, func() bool { _, err := os.Stat(filepath.Join(dir, "wrote")); return err == nil }) {
		t.Fatal("the child never wrote")
	}
	wantOutput(t, mustExec(t, h, steps.ExecRequest{Command: "echo ok"}), 0, "ok\n", "")
	wantOutput(t, mustExec(t, h, steps.ExecRequest{Command: "echo ok2"}), 0, "ok2\n", "")
}

// warm runs one command on h: the first command of a Host runs in a
// session of its own, the runner starts with the second.
func warm(t *testing.T, h steps.Host) {
	t.Helper()
	mustExec(t, h, steps.ExecRequest{Command: "true"})
}

// TestRunnerConcurrent: Execs on one Host at once (the runner takes one,
// the others get sessions of their own) all get their own output.
func TestRunnerConcurrent(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	warm(t, h)
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				res, err := h.Exec(testCtx(t, 30*time.Second), steps.ExecRequest{
					Command: fmt.Sprintf("echo %d.%d; printf e%d >&2; exit %d", g, i, i, g), Stdin: []byte(fmt.Sprint(i))})
				if err != nil {
					t.Error(err)
					return
				}
				wantOutput(t, res, g, fmt.Sprintf("%d.%d\n", g, i), fmt.Sprintf("e%d", i))
			}
		}()
	}
	wg.Wait()
}

// TestRunnerNoLeak: a host whose runner ran commands (one of them killed
// at its deadline) leaves no goroutine behind once its pool is closed,
// and its runner process ends.
func TestRunnerNoLeak(t *testing.T) {
	s := sshtest.Start(t)
	goroutines := runtime.NumGoroutine()
	p := mendssh.NewPool(s.Config())
	h, err := p.Host(testCtx(t, 10*time.Second), s.Target())
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, h, steps.ExecRequest{Command: "echo a"})
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	h.Exec(ctx, steps.ExecRequest{Command: "sleep 62.5"})
	mustExec(t, h, steps.ExecRequest{Command: "(sleep 0.2; echo late) & echo b"})
	mustExec(t, h, steps.ExecRequest{Command: "head -c 100000 /dev/zero"})
	if len(runnersOf(s)) != 1 {
		t.Errorf("runner processes of this sshd: %v, want one", runnersOf(s))
	}
	p.Close()
	if !eventually(10*time.Second, func() bool { return runtime.NumGoroutine() <= goroutines }) {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines after Close, %d before:\n%s", runtime.NumGoroutine(), goroutines, buf[:runtime.Stack(buf, true)])
	}
	if !eventually(10*time.Second, func() bool { return len(runnersOf(s)) == 0 }) {
		t.Errorf("runner processes still running: %v", runnersOf(s))
	}
}

// runnersOf lists the runner processes of s's sessions (sshd, then the
// session's sshd, then the runner), not those of other tests' sshds.
func runnersOf(s *sshtest.Server) []int {
	var pids []int
	for _, session := range processesWithParent(s.PID()) {
		for _, p := range processesWithParent(session) {
			if slices.Contains(processesRunning("/bin/sh", "-s", "mend-runner"), p) {
				pids = append(pids, p)
			}
		}
	}
	return pids
}

// TestSudoRefused: a sudo target whose sudo -n refuses (a stand-in sudo
// that says so, as sudo does for a password it may not ask for) gives a
// ClassAuth error quoting it, on the runner as on a session of its own;
// commands with NoSudo still run.
func TestSudoRefused(t *testing.T) {
	s := sshtest.Start(t)
	fake := filepath.Join(t.TempDir(), "sudo")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho 'sudo: a password is required' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	defer mendssh.SetSudoProgram(fake)()
	target := s.Target()
	target.Sudo = true
	h, err := s.Pool(t).Host(testCtx(t, 10*time.Second), target)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		_, err := h.Exec(testCtx(t, 10*time.Second), steps.ExecRequest{Command: "echo hi"})
		wantClass(t, err, steps.ClassAuth)
		if !strings.Contains(err.Error(), "refused to run the command: sudo: a password is required") {
			t.Errorf("error %q does not quote sudo", err)
		}
		wantOutput(t, mustExec(t, h, steps.ExecRequest{Command: "echo hi", NoSudo: true}), 0, "hi\n", "")
	}
}

// TestRunnerMoreCommands: told that more commands will follow
// (steps.MoreCommands), a Host runs the first one on the runner already:
// three commands, one session (without the hint: two, the first its
// own). Each command still gets its own process group, as on a runner.
func TestRunnerMoreCommands(t *testing.T) {
	requireRunner(t)
	s := sshtest.Start(t)
	h := s.Host(t)
	before := sessions(s)
	steps.MoreCommands(h)
	var groups []string
	for range 3 {
		res := mustExec(t, h, steps.ExecRequest{Command: "ps -o pgid= -p $$"})
		groups = append(groups, strings.TrimSpace(string(res.Stdout)))
	}
	if n := sessions(s) - before; n != 1 {
		t.Errorf("three commands after MoreCommands opened %d sessions, want 1 (the runner)", n)
	}
	if groups[0] == groups[1] || groups[1] == groups[2] || groups[0] == "" {
		t.Errorf("process groups %q: want one of its own per command", groups)
	}
}
