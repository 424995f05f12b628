package ssh

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/shell"
)

// These run the remote scripts with the local /bin/sh, to reach failure
// paths the SSH API cannot provoke on demand.

func TestWriteScriptHashMismatchLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	os.WriteFile(p, []byte("old"), 0o644)
	vars := "p=" + shell.Quote(p) + " want=" + strings.Repeat("0", 64) + " mode='' owner='' group='' backup=1\n"
	cmd := exec.Command("/bin/sh", "-c", vars+writeScript)
	cmd.Stdin = strings.NewReader("new content")
	out, err := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 4 || !strings.Contains(string(out), "content was cut short") {
		t.Fatalf("exit %d (%v): %s", code, err, out)
	}
	assertOnly(t, dir, p, "old")
}

func TestWriteScriptTerminatedMidWriteLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	os.WriteFile(p, []byte("old"), 0o644)
	vars := "p=" + shell.Quote(p) + " want=" + strings.Repeat("0", 64) + " mode='' owner='' group='' backup=0\n"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", vars+writeScript)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, _ := cmd.StdinPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stdin.Write([]byte("half of the new cont"))
	tempSeen := func() bool { return len(names(t, dir)) == 2 }
	deadline := time.Now().Add(5 * time.Second)
	for !tempSeen() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !tempSeen() {
		t.Fatalf("no temporary file appeared: %v", names(t, dir))
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) // what abort sends first
	cmd.Wait()
	stdin.Close()
	assertOnly(t, dir, p, "old")
}

func assertOnly(t *testing.T, dir, p, content string) {
	t.Helper()
	if got := names(t, dir); !slices.Equal(got, []string{filepath.Base(p)}) {
		t.Errorf("directory holds %v, want only %s", got, filepath.Base(p))
	}
	if data, _ := os.ReadFile(p); string(data) != content {
		t.Errorf("target holds %q, want %q", data, content)
	}
}

func names(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var n []string
	for _, e := range entries {
		n = append(n, e.Name())
	}
	return n
}
