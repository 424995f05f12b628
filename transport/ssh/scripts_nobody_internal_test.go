package ssh

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/shell"

	"github.com/google/go-cmp/cmp"
)

// These run the remote scripts with the local /bin/sh as an unprivileged
// login user would (uid/gid 65534, nobody), which sshtest cannot do: its
// sshd logs in as the test's user, root.

const nobody = 65534

// scriptResult is what one run of a script left behind.
type scriptResult struct {
	code           int
	stdout, stderr string
}

// runScript runs script with /bin/sh as uid (nobody, or -1 for the test's
// own user), feeding stdin, with a 10 s bound.
func runScript(t *testing.T, uid int, script string, stdin []byte) scriptResult {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", script)
	if uid >= 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(uid), NoSetGroups: true}}
	}
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C"}
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(10*time.Second, func() { cmd.Process.Kill() })
	defer timer.Stop()
	cmd.Wait()
	return scriptResult{cmd.ProcessState.ExitCode(), out.String(), errb.String()}
}

// sharedDir is a fresh directory nobody can search (0755 up from /tmp),
// owned by owner.
func sharedDir(t *testing.T, owner int) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to run scripts as nobody")
	}
	d := t.TempDir()
	for _, p := range []string{filepath.Dir(d), d} {
		if err := os.Chmod(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chown(d, owner, owner); err != nil {
		t.Fatal(err)
	}
	return d
}

func writeVars(p string, content []byte, owner, group string) string {
	sum := sha256.Sum256(content)
	return fmt.Sprintf("p=%s want=%s mode='' owner=%s group=%s backup=0 r=TESTTOKEN\n",
		shell.Quote(p), hex.EncodeToString(sum[:]), shell.Quote(owner), shell.Quote(group))
}

// TestWriteScriptUnprivilegedChown: a login user that cannot give the new
// file the owner and group of the one it replaces fails, naming the path
// and the owner:group, and leaves the target and directory as they were;
// where the chown is possible (its own file) the write goes through.
func TestWriteScriptUnprivilegedChown(t *testing.T) {
	tests := []struct {
		name         string
		fileOwner    int
		owner, group string
		wantCode     int
		wantErr      string // in stderr
		wantContent  string
		wantUID      int
	}{
		{"replacing root's file, keeping its owner", 0, "", "", 4,
			"owner:group 0:0 (kept from the file it replaces: root:root)", "old", 0},
		{"requesting an owner it cannot give", nobody, "root", "", 4,
			"owner:group root:65534 (requested)", "old", nobody},
		{"replacing its own file", nobody, "", "", 0, "", "new", nobody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := sharedDir(t, nobody)
			p := filepath.Join(dir, "app.conf")
			os.WriteFile(p, []byte("old"), 0o644)
			os.Chown(p, tt.fileOwner, tt.fileOwner)
			r := runScript(t, nobody, writeVars(p, []byte("new"), tt.owner, tt.group)+writeScript, []byte("new"))
			namesPath := tt.wantErr == "" || strings.Contains(r.stderr, "the new "+p+" owner:group")
			if r.code != tt.wantCode || !strings.Contains(r.stderr, tt.wantErr) || !namesPath {
				t.Errorf("exit %d, stderr %q; want exit %d and %q naming %s", r.code, r.stderr, tt.wantCode, tt.wantErr, p)
			}
			assertOnly(t, dir, p, tt.wantContent)
			var st syscall.Stat_t
			if err := syscall.Stat(p, &st); err != nil || int(st.Uid) != tt.wantUID || int(st.Gid) != tt.wantUID {
				t.Errorf("target owned by %d:%d (%v), want %d:%d", st.Uid, st.Gid, err, tt.wantUID, tt.wantUID)
			}
		})
	}
}

// TestReadScriptUnsearchableDirectory: a file below a directory the login
// user cannot search is a permission error naming that directory, not
// "absent"; a file that is really missing is absent.
func TestReadScriptUnsearchableDirectory(t *testing.T) {
	dir := sharedDir(t, 0)
	locked := filepath.Join(dir, "locked")
	os.MkdirAll(filepath.Join(locked, "sub"), 0o700)
	os.Chmod(locked, 0o700)
	os.WriteFile(filepath.Join(locked, "f"), []byte("secret"), 0o644)
	tests := []struct {
		name     string
		uid      int
		path     string
		wantCode int
		want     string // stdout for exit 0, else in stderr
	}{
		{"file in an unsearchable directory", nobody, filepath.Join(locked, "f"), 5,
			"permission denied: cannot search directory " + locked + ", so cannot tell whether " + filepath.Join(locked, "f") + " exists"},
		{"missing file deeper below it", nobody, filepath.Join(locked, "sub", "nope"), 5, "cannot search directory " + locked + ","},
		{"missing file in a searchable directory", nobody, filepath.Join(dir, "nope"), 0, "absent\n"},
		{"missing directory in a searchable one", nobody, filepath.Join(dir, "no", "such", "f"), 0, "absent\n"},
		{"root may search it", -1, filepath.Join(locked, "f"), 0, "present 644 0 0 root root\nsecret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runScript(t, tt.uid, fmt.Sprintf("p=%s max=100\n", shell.Quote(tt.path))+readScript, nil)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d (stdout %q, stderr %q), want %d", r.code, r.stdout, r.stderr, tt.wantCode)
			}
			got := r.stdout
			if tt.wantCode != 0 {
				got = r.stderr
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("got %q, want %q in it", got, tt.want)
			}
		})
	}
}

// TestReadScriptStopsPastTheCap: the host sends at most max+1 bytes of
// content, so an oversized file costs one byte more than the cap.
func TestReadScriptStopsPastTheCap(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big")
	os.WriteFile(p, bytes.Repeat([]byte("x"), 100), 0o644)
	os.Chown(p, 0, 0)
	tests := []struct {
		max  int
		want string
	}{
		{10, strings.Repeat("x", 11)},
		{100, strings.Repeat("x", 100)},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.max), func(t *testing.T) {
			r := runScript(t, -1, fmt.Sprintf("p=%s max=%d\n", shell.Quote(p), tt.max)+readScript, nil)
			_, body, _ := strings.Cut(r.stdout, "\n")
			if diff := cmp.Diff(tt.want, body); r.code != 0 || diff != "" {
				t.Errorf("exit %d, stderr %q, content (-want +got):\n%s", r.code, r.stderr, diff)
			}
		})
	}
}
