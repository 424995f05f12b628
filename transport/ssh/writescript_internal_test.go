package ssh

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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
	vars := "p=" + shell.Quote(p) + " want=" + strings.Repeat("0", 64) + " mode='' owner='' group='' backup=1 r=TESTTOKEN\n"
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
	vars := "p=" + shell.Quote(p) + " want=" + strings.Repeat("0", 64) + " mode='' owner='' group='' backup=0 r=TESTTOKEN\n"
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

// TestWriteScriptClientGoneLeavesNothing is what a killed mend does to the
// remote side: the input ends early and nobody reads stdout or stderr any
// more. The hash check fails and its message raises SIGPIPE; the script
// must still remove its temporary file.
func TestWriteScriptClientGoneLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	os.WriteFile(p, []byte("old"), 0o644)
	vars := "p=" + shell.Quote(p) + " want=" + strings.Repeat("0", 64) + " mode='' owner='' group='' backup=0 r=TESTTOKEN\n"
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR.Close() // the client is gone: every write to stdout or stderr raises SIGPIPE
	cmd := exec.Command("/bin/sh", "-c", vars+writeScript)
	cmd.Stdin = strings.NewReader("half of the new cont") // then end of input
	cmd.Stdout, cmd.Stderr = outW, outW
	err = cmd.Run()
	outW.Close()
	if err == nil {
		t.Fatal("the script succeeded on cut-short content")
	}
	assertOnly(t, dir, p, "old")
}

// TestWriteScriptSignalWhileCreatingTempLeavesNothing sends TERM as soon
// as the temporary file exists: the cleanup must already be in place then.
// A slow stand-in for mktemp (should the script use it) holds the script
// right after creating the file, where the race of the old script was.
func TestWriteScriptSignalWhileCreatingTempLeavesNothing(t *testing.T) {
	bin := t.TempDir()
	real, err := exec.LookPath("mktemp")
	if err != nil {
		t.Fatal(err)
	}
	shim := "#!/bin/sh\nout=$(" + shell.Quote(real) + " \"$@\") || exit\necho \"$out\"\nsleep 3\n"
	if err := os.WriteFile(filepath.Join(bin, "mktemp"), []byte(shim), 0o755); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	os.WriteFile(p, []byte("old"), 0o644)
	vars := "PATH=" + shell.Quote(bin+":"+os.Getenv("PATH")) + "\np=" + shell.Quote(p) +
		" want=" + strings.Repeat("0", 64) + " mode='' owner='' group='' backup=0 r=TESTTOKEN\n"
	cmd := exec.Command("/bin/sh", "-c", vars+writeScript)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, _ := cmd.StdinPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); len(names(t, dir)) < 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			t.Fatalf("no temporary file appeared: %v", names(t, dir))
		}
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	// A TERM that came just before the script started cat runs its trap
	// when cat ends: at the end of the input, as when sshd closes it.
	stdin.Close()
	cmd.Wait()
	assertOnly(t, dir, p, "old")
}

// TestWriteScriptRemovesLeftovers: a write removes the temporary files of
// earlier writes to the same path whose shell is gone (and old mktemp-style
// ones untouched for an hour), says so, and keeps everything else.
func TestWriteScriptRemovesLeftovers(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	os.WriteFile(p, []byte("old"), 0o644)
	live := fmt.Sprintf(".f.mend-%d-LIVE", os.Getpid())
	files := map[string]bool{ // name: removed
		".f.mend-999999999-DEADTOKEN": true,  // no such pid (above any pid_max)
		live:                          false, // this test's own pid: a write in progress
		".f.mend-AbC123":              true,  // mktemp form, untouched for two hours
		".f.mend-XyZ789":              false, // mktemp form, fresh: maybe an older mend at work
		".g.mend-999999999-OTHERFILE": false, // another file's
		".f.mend-999999999-x;y":       false, // not a name mend makes
	}
	old := time.Now().Add(-2 * time.Hour)
	for name := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
		if name == ".f.mend-AbC123" || name == ".f.mend-999999999-DEADTOKEN" {
			os.Chtimes(path, old, old)
		}
	}
	content := []byte("new")
	sum := sha256.Sum256(content)
	vars := "p=" + shell.Quote(p) + " want=" + hex.EncodeToString(sum[:]) + " mode='' owner='' group='' backup=0 r=TESTTOKEN\n"
	cmd := exec.Command("/bin/sh", "-c", vars+writeScript)
	cmd.Stdin = strings.NewReader(string(content))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("write: %v\n%s", err, out)
	}
	res, err := parseWrite(p, hex.EncodeToString(sum[:]), out)
	if err != nil {
		t.Fatal(err)
	}
	var wantRemoved, wantKept []string
	for name, removed := range files {
		if removed {
			wantRemoved = append(wantRemoved, filepath.Join(dir, name))
		} else {
			wantKept = append(wantKept, name)
		}
	}
	slices.Sort(wantRemoved)
	got := slices.Sorted(slices.Values(res.LeftoversRemoved))
	if !slices.Equal(got, wantRemoved) {
		t.Errorf("LeftoversRemoved = %q, want %q", got, wantRemoved)
	}
	wantKept = append(wantKept, "f")
	slices.Sort(wantKept)
	if got := names(t, dir); !slices.Equal(got, wantKept) {
		t.Errorf("directory holds %v, want %v", got, wantKept)
	}
}
