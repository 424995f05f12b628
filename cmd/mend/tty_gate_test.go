package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// ptyRun starts `mend ARGS...` on a real pseudo-terminal (util-linux
// script(1)) in dir. It returns the terminal's input and a function that
// waits until the output holds want (bounded by ctx), and one that waits
// for the end and returns all output.
type ptyRun struct {
	in   io.WriteCloser
	mu   sync.Mutex
	out  strings.Builder
	done chan struct{}
}

func startOnPty(t *testing.T, ctx context.Context, bin string, args ...string) *ptyRun {
	t.Helper()
	scriptBin, err := exec.LookPath("script")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("script(1) from util-linux is required in CI")
		}
		t.Skip("script(1) not installed")
	}
	cmdline := strings.Join(append([]string{bin}, args...), " ")
	cmd := exec.CommandContext(ctx, scriptBin, "-qefc", cmdline, "/dev/null")
	p := &ptyRun{done: make(chan struct{})}
	if p.in, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(p.done)
		r := bufio.NewReader(stdout)
		buf := make([]byte, 4096)
		for {
			n, err := r.Read(buf)
			p.mu.Lock()
			p.out.Write(buf[:n])
			p.mu.Unlock()
			if err != nil {
				_ = cmd.Wait()
				return
			}
		}
	}()
	return p
}

func (p *ptyRun) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// waitFor polls (bounded by ctx) until the output holds want.
func (p *ptyRun) waitFor(ctx context.Context, t *testing.T, want string) {
	t.Helper()
	for !strings.Contains(p.output(), want) {
		select {
		case <-ctx.Done():
			t.Fatalf("no %q on the terminal:\n%s", want, p.output())
		case <-p.done:
			if !strings.Contains(p.output(), want) {
				t.Fatalf("mend ended without printing %q:\n%s", want, p.output())
			}
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (p *ptyRun) wait(ctx context.Context, t *testing.T) string {
	t.Helper()
	p.in.Close()
	select {
	case <-p.done:
	case <-ctx.Done():
		t.Fatalf("mend did not end:\n%s", p.output())
	}
	return p.output()
}

// gateFixture builds mend and writes a local inventory and files in a
// temporary directory.
func gateFixture(t *testing.T) (dir, bin, inv string, write func(name, content string) string) {
	t.Helper()
	dir = t.TempDir()
	bin = filepath.Join(dir, "mend")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	write = func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	inv = write("inventory.mend.hcl", "host \"box\" {\n  address = \"local\"\n}\n")
	return dir, bin, inv, write
}

// TestGateShowsHiddenBytes (issue 7.2): a host file holds escape codes that
// hide "; touch ..." on a terminal. The gate's preview on a real terminal
// shows them as \x1b[8m, and no raw escape reaches the terminal.
func TestGateShowsHiddenBytes(t *testing.T) {
	dir, bin, inv, write := gateFixture(t)
	pwned := filepath.Join(dir, "pwned")
	unit := write("unit", "nginx\x1b[8m; touch "+pwned+"\x1b[28m\n")
	rb := write("rb.mend.hcl", `
diagnose "file_read" "unit" {
  on   = ["box"]
  path = "`+unit+`"
}

repair "command" "restart" {
  on      = ["box"]
  command = "echo restart ${trimspace(diagnose.file_read.unit.content)}"
  approval {
    reason = "restarts the service"
  }
}
`)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p := startOnPty(t, ctx, bin, "apply", "-i", inv, "--audit-log", filepath.Join(dir, "audit.jsonl"), "--no-color", rb)
	p.waitFor(ctx, t, `Type "restart" to approve`)
	if _, err := io.WriteString(p.in, "no\n"); err != nil {
		t.Fatal(err)
	}
	got := p.wait(ctx, t)
	want := `command: echo restart nginx\x1b[8m; touch ` + pwned + `\x1b[28m`
	if !strings.Contains(got, want) {
		t.Errorf("the gate does not show %q:\n%s", want, got)
	}
	if strings.Contains(got, "\x1b[8m") {
		t.Errorf("a raw escape sequence reached the terminal:\n%q", got)
	}
	if _, err := os.Stat(pwned); err == nil {
		t.Error("the hidden command ran")
	}
}

// TestGateDiscardsTypeAhead (issue 7.2): an answer typed while an earlier
// step ran, before the gate's preview appeared, does not approve the gate;
// only an answer typed at the prompt counts.
func TestGateDiscardsTypeAhead(t *testing.T) {
	dir, bin, inv, write := gateFixture(t)
	target := write("motd", "old\n")
	rb := write("rb.mend.hcl", `
diagnose "command" "slow" {
  on      = ["box"]
  command = "sleep 2"
}

repair "file" "install_motd" {
  on      = ["box"]
  path    = "`+target+`"
  content = "new\n"
  approval {
    reason = "operators read this at login"
  }
}
`)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p := startOnPty(t, ctx, bin, "apply", "-i", inv, "--audit-log", filepath.Join(dir, "audit.jsonl"), "--no-color", rb)
	// Typed ahead, while diagnose.command.slow runs.
	if _, err := io.WriteString(p.in, "install_motd\n"); err != nil {
		t.Fatal(err)
	}
	p.waitFor(ctx, t, `Type "install_motd" to approve`)
	if _, err := io.WriteString(p.in, "no\n"); err != nil {
		t.Fatal(err)
	}
	got := p.wait(ctx, t)
	if !strings.Contains(got, `operator typed "no"`) && !strings.Contains(got, "[refused]") {
		t.Errorf("the gate was not refused by the answer typed at the prompt:\n%s", got)
	}
	if b, _ := os.ReadFile(target); string(b) != "old\n" {
		t.Errorf("file = %q: the answer typed ahead approved the gate\n%s", b, got)
	}
}
