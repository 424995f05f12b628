package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTerminalApprovalPerStageBatch answers a gated step of a stage on a
// real pseudo-terminal: serial = 1 over two hosts asks once per batch
// (never once per host or per step), each prompt says which batch it is
// for, and refusing the second batch's gate stops the roll there.
func TestTerminalApprovalPerStageBatch(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "mend")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	inv := write("inventory.mend.hcl", "host \"box-1\" {\n  address = \"local\"\n}\n\nhost \"box-2\" {\n  address = \"local\"\n}\n")
	rb := write("rb.mend.hcl", `
stage "roll" {
  on     = ["box-1", "box-2"]
  serial = 1

  repair "command" "restart" {
    command = "touch `+dir+`/restarted-${host.name}"
    approval {
      reason = "restarts one box"
    }
  }

  repair "command" "after" {
    command = "touch `+dir+`/after-${host.name}"
  }
}
`)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p := startOnPty(t, ctx, bin, "apply", "-i", inv, "--audit-log", filepath.Join(dir, "audit.jsonl"), "--no-color", rb)
	p.waitFor(ctx, t, "for: stage roll, batch 1 of 2: box-1 (asked once per batch)")
	p.waitFor(ctx, t, `Type "restart" to approve`)
	if _, err := io.WriteString(p.in, "restart\n"); err != nil {
		t.Fatal(err)
	}
	p.waitFor(ctx, t, "for: stage roll, batch 2 of 2: box-2 (asked once per batch)")
	if strings.Count(p.output(), "Approval required: repair.command.restart") != 2 {
		t.Fatalf("want the gate asked once per batch:\n%s", p.output())
	}
	for strings.Count(p.output(), `Type "restart" to approve`) < 2 { // the second prompt, after the preview
		select {
		case <-ctx.Done():
			t.Fatalf("no second prompt:\n%s", p.output())
		case <-time.After(50 * time.Millisecond):
		}
	}
	if _, err := io.WriteString(p.in, "no\n"); err != nil {
		t.Fatal(err)
	}
	got := p.wait(ctx, t)
	for _, want := range []string{"batch 1: box-1 - done", "batch 2: box-2 - failed: approval for repair.command.restart was not granted", "box-2 (batch 2): refused"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "Approval required:") != 2 {
		t.Errorf("gate asked %d times, want 2 (once per batch):\n%s", strings.Count(got, "Approval required:"), got)
	}
	for name, want := range map[string]bool{"restarted-box-1": true, "after-box-1": true, "restarted-box-2": false, "after-box-2": false} {
		if _, err := os.Stat(filepath.Join(dir, name)); (err == nil) != want {
			t.Errorf("%s exists: %v, want %v", name, err == nil, want)
		}
	}
	log, _ := os.ReadFile(filepath.Join(dir, "audit.jsonl"))
	if !strings.Contains(string(log), `"stage_batch":"stage roll, batch 2 of 2: box-2"`) {
		t.Errorf("the refusal's audit record does not name the batch:\n%s", log)
	}
}
