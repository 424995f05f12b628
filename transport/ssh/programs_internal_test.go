package ssh

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mend-sh/mend/internal/shell"
)

// Each program a remote script starts costs a fork and an exec on the
// host (issue 12: a file repair ran about 25). These run the scripts with
// the local /bin/sh and a PATH of logging shims, to count them.

// shimPath makes a directory of shims for the programs the file scripts
// may run; each logs its name to log and execs the real one.
func shimPath(t *testing.T) (dir, log string) {
	t.Helper()
	dir, log = t.TempDir(), filepath.Join(t.TempDir(), "programs")
	for _, name := range []string{"basename", "cat", "chmod", "chown", "cp", "date", "dd", "dirname", "find",
		"head", "ln", "mv", "readlink", "rm", "sha256sum", "stat", "sync"} {
		real, err := exec.LookPath(name)
		if err != nil {
			t.Skipf("no %s: %v", name, err)
		}
		shim := fmt.Sprintf("#!/bin/sh\necho %s >> %s\nexec %s \"$@\"\n", name, shell.Quote(log), shell.Quote(real))
		if err := os.WriteFile(filepath.Join(dir, name), []byte(shim), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir, log
}

// programsRun runs script with the shims first on PATH (nothing else on
// it) and returns the programs it started, its exit status and stdout.
func programsRun(t *testing.T, script string, stdin []byte) ([]string, int, []byte) {
	t.Helper()
	dir, log := shimPath(t)
	cmd := exec.Command("/bin/sh", "-c", script)
	cmd.Env = []string{"PATH=" + dir, "LC_ALL=C"}
	cmd.Stdin = strings.NewReader(string(stdin))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, _ := cmd.Output()
	if stderr.Len() > 0 {
		t.Logf("stderr: %s", stderr.String())
	}
	b, _ := os.ReadFile(log)
	return strings.Fields(string(b)), cmd.ProcessState.ExitCode(), out
}

// TestWriteScriptPrograms: replacing a file whose owner and mode are kept
// runs dd, sha256sum, stat, mv and sync (10 programs before: cat, two
// sha256sum, stat, chown, chmod, two sync, mv, stat); chown, chmod and a
// second stat and sync run only when the temporary file needs them.
func TestWriteScriptPrograms(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("the temporary file must get the target's owner: run as root")
	}
	content := []byte(strings.Repeat("new line\n", 1000))
	sum := sha256.Sum256(content)
	tests := []struct {
		name, mode, wantMode string
		want                 []string
	}{
		{"owner and mode kept", "", "0644", []string{"dd", "sha256sum", "stat", "mv", "sync"}},
		{"mode changed", "0600", "0600", []string{"dd", "sha256sum", "stat", "chown", "chmod", "stat", "sync", "mv", "sync"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "app.conf")
			old := []byte("old\n")
			os.WriteFile(p, old, 0o644)
			os.Chmod(p, 0o644)
			oldSum := sha256.Sum256(old)
			vars := fmt.Sprintf("p=%s want=%s mode=%s owner='' group='' backup=0 r=TESTTOKEN ifc=%s\n",
				shell.Quote(p), hex.EncodeToString(sum[:]), shell.Quote(tt.mode), hex.EncodeToString(oldSum[:]))
			got, code, out := programsRun(t, vars+writeScript, content)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, out)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("programs %v, want %v", got, tt.want)
			}
			if b, _ := os.ReadFile(p); string(b) != string(content) {
				t.Errorf("target not replaced")
			}
			res, err := parseWrite(p, hex.EncodeToString(sum[:]), out)
			if mode := fmt.Sprintf("%04o", unixMode(res.Mode)); err != nil || mode != tt.wantMode || res.Owner != "root" {
				t.Errorf("reported %+v, %v", res, err)
			}
		})
	}
}

// TestDigestScriptPrograms: the digest of a 1 MiB file costs stat,
// sha256sum and head and sends its first n bytes only; a small file is
// sent whole after stat and head, as ReadFile sends it.
func TestDigestScriptPrograms(t *testing.T) {
	dir := t.TempDir()
	big, small := filepath.Join(dir, "big"), filepath.Join(dir, "small")
	content := []byte(strings.Repeat("server_name example.org;\n", 1<<20/25))
	os.WriteFile(big, content, 0o644)
	os.WriteFile(small, []byte("small\n"), 0o644)
	const n = 128 << 10
	run := func(p string) ([]string, []byte) {
		got, code, out := programsRun(t, fmt.Sprintf("p=%s max=%d n=%d\n", shell.Quote(p), maxReadFile, n)+digestScript, nil)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, out)
		}
		return got, out
	}
	got, out := run(big)
	if want := []string{"stat", "sha256sum", "head"}; !slices.Equal(got, want) {
		t.Errorf("big file: programs %v, want %v", got, want)
	}
	d, err := parseDigest(big, out)
	sum := sha256.Sum256(content)
	if err != nil || d.Size != int64(len(content)) || d.SHA256 != hex.EncodeToString(sum[:]) || len(d.Content) != n || d.Complete() {
		t.Errorf("big file: %v, size %d, sha256 %s, %d bytes sent", err, d.Size, d.SHA256, len(d.Content))
	}
	got, out = run(small)
	if want := []string{"stat", "head"}; !slices.Equal(got, want) {
		t.Errorf("small file: programs %v, want %v", got, want)
	}
	if f, err := parseRead(small, out); err != nil || string(f.Content) != "small\n" {
		t.Errorf("small file: %q, %v", f.Content, err)
	}
}
