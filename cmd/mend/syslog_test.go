package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/sshtest"
)

// TestAuditSyslog (issue 10.4): apply against a real sshd with
// --audit-syslog sends every record of the audit log, line for line, to a
// syslog listener; a target that cannot be reached stops the run before
// anything runs.
func TestAuditSyslog(t *testing.T) {
	srv := sshtest.Start(t)
	dir, bin, _, write := gateFixture(t)
	marker := filepath.Join(dir, "touched")
	inv := write("ssh.mend.hcl", boxInventory(srv))
	rb := write("rb.mend.hcl", fmt.Sprintf(`
diagnose "command" "look" {
  on      = ["box"]
  command = "uname -s"
}

repair "command" "touch" {
  on      = ["box"]
  command = "touch %s"
}
`, marker))
	log := filepath.Join(dir, "audit.jsonl")

	sock := filepath.Join(dir, "syslog.sock")
	pc, err := net.ListenPacket("unixgram", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	got := make(chan string, 100)
	go func() {
		buf := make([]byte, 65536)
		for {
			n, _, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			got <- string(buf[:n])
		}
	}()

	out, err := exec.Command(bin, "apply", "-i", inv, "--audit-log", log, "--audit-syslog", "unix://"+sock, "--no-color", rb).CombinedOutput()
	if err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("the repair did not run: %v\n%s", err, out)
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	var msgs []string
	deadline := time.After(10 * time.Second)
	for len(msgs) < len(lines) {
		select {
		case m := <-got:
			msgs = append(msgs, m)
		case <-deadline:
			t.Fatalf("syslog got %d messages, the log has %d lines:\n%s", len(msgs), len(lines), strings.Join(msgs, "\n"))
		}
	}
	for i, m := range msgs {
		_, payload, ok := strings.Cut(m, "]: ")
		if !ok || !strings.HasPrefix(m, "<86>") || payload != lines[i] {
			t.Errorf("message %d:\n got %.300s\nwant <86>... mend-audit[pid]: %.300s", i, m, lines[i])
		}
	}
	for _, want := range []string{`"event":"run_start"`, `"step":"repair.command.touch"`, `"event":"run_end"`} {
		if !strings.Contains(strings.Join(msgs, "\n"), want) {
			t.Errorf("no syslog message has %s", want)
		}
	}

	// A syslog target no one listens on: refused before anything runs.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	os.Remove(marker)
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "apply", "-i", inv, "--audit-log", log, "--audit-syslog", "tcp://"+closed, "--no-color", rb)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil {
		t.Fatal("apply with an unreachable syslog target succeeded")
	}
	if !strings.Contains(stderr.String(), "audit syslog tcp://"+closed) || !strings.Contains(stderr.String(), "nothing was run") {
		t.Errorf("stderr does not name the target and say nothing ran:\n%s", stderr.String())
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the repair ran although the syslog target could not be reached")
	}
	if after, _ := os.ReadFile(log); !bytes.Equal(after, b) {
		t.Error("the refused run wrote to the audit log")
	}
}
