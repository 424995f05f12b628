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

// TestTerminalApproval runs mend apply on a real pseudo-terminal (util-linux
// script(1) allocates it) and answers the gate's prompt: a wrong name
// refuses, the repair's name approves. This is the path an operator takes
// at 2 a.m.; the flag path is covered by testdata/script.
func TestTerminalApproval(t *testing.T) {
	if _, err := exec.LookPath("script"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("script(1) from util-linux is required in CI")
		}
		t.Skip("script(1) not installed")
	}
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
	target := write("motd", "old\n")
	inv := write("inventory.mend.hcl", "host \"box\" {\n  address = \"local\"\n}\n")
	rb := write("rb.mend.hcl", `
repair "file" "install_motd" {
  on      = ["box"]
  path    = "`+target+`"
  content = "new\n"
  approval {
    reason = "operators read this at login"
  }
}
`)
	for _, tc := range []struct {
		name, answer, want, content string
	}{
		{"wrong name refuses", "yes", "[refused]", "old\n"},
		{"repair name approves", "install_motd", "[changed]", "new\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			// The answer is typed at the prompt: anything typed before it
			// is discarded (TestGateDiscardsTypeAhead).
			p := startOnPty(t, ctx, bin, "apply", "-i", inv, "--audit-log", filepath.Join(dir, "audit.jsonl"), "--no-color", rb)
			p.waitFor(ctx, t, `Type "install_motd" to approve`)
			if _, err := io.WriteString(p.in, tc.answer+"\n"); err != nil {
				t.Fatal(err)
			}
			got := p.wait(ctx, t)
			for _, want := range []string{"Approval required: repair.file.install_motd", "operators read this at login", "+new", `Type "install_motd" to approve`, tc.want} {
				if !strings.Contains(got, want) {
					t.Errorf("output lacks %q:\n%s", want, got)
				}
			}
			if b, _ := os.ReadFile(target); string(b) != tc.content {
				t.Errorf("file = %q, want %q", b, tc.content)
			}
		})
	}
}
