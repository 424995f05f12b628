package ssh_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
)

func TestReadFile(t *testing.T) {
	s := sshtest.Start(t)
	h := s.Host(t)
	dir := t.TempDir()
	binary := []byte("line\n\x00\xff no newline at end")
	os.WriteFile(filepath.Join(dir, "bin"), binary, 0o640)
	os.WriteFile(filepath.Join(dir, "empty"), nil, 0o600)
	os.Symlink(filepath.Join(dir, "bin"), filepath.Join(dir, "link"))
	os.WriteFile(filepath.Join(dir, "it's $HOME `x`"), []byte("q"), 0o644)
	tests := []struct {
		name string
		path string
		want steps.File
	}{
		{"binary content", "bin", steps.File{Exists: true, Content: binary, Mode: 0o640, Owner: "root", Group: "root"}},
		{"empty", "empty", steps.File{Exists: true, Content: []byte{}, Mode: 0o600, Owner: "root", Group: "root"}},
		{"symlink followed", "link", steps.File{Exists: true, Content: binary, Mode: 0o640, Owner: "root", Group: "root"}},
		{"missing", "nope", steps.File{}},
		{"name with quote, space, $ and backquotes", "it's $HOME `x`", steps.File{Exists: true, Content: []byte("q"), Mode: 0o644, Owner: "root", Group: "root"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, tt.path)
			tt.want.Path = p
			got, err := h.ReadFile(testCtx(t, 10*time.Second), p)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ReadFile (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("directory", func(t *testing.T) {
		_, err := h.ReadFile(testCtx(t, 10*time.Second), dir)
		wantClass(t, err, steps.ClassStep)
		if !strings.Contains(err.Error(), "is not a regular file (directory)") {
			t.Errorf("error %q", err)
		}
	})
}

func TestWriteFile(t *testing.T) {
	s := sshtest.Start(t)
	h := s.Host(t)
	tests := []struct {
		name     string
		existing *os.FileMode // nil: no file before
		req      steps.WriteFileRequest
		wantMode fs.FileMode
		wantUser string
	}{
		{"new file default mode", nil, steps.WriteFileRequest{Content: []byte("new\n")}, 0o644, "root"},
		{"new file explicit mode", nil, steps.WriteFileRequest{Content: []byte("x"), Mode: 0o600}, 0o600, "root"},
		{"keeps existing mode", ptr(fs.FileMode(0o640)), steps.WriteFileRequest{Content: []byte("y")}, 0o640, "root"},
		{"replaces mode", ptr(fs.FileMode(0o640)), steps.WriteFileRequest{Content: []byte("y"), Mode: 0o444}, 0o444, "root"},
		{"chown", nil, steps.WriteFileRequest{Content: []byte("z"), Owner: "nobody", Group: "nogroup"}, 0o644, "nobody"},
		{"empty content", ptr(fs.FileMode(0o600)), steps.WriteFileRequest{Content: nil}, 0o600, "root"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.req.Path = filepath.Join(dir, "target.conf")
			if tt.existing != nil {
				os.WriteFile(tt.req.Path, []byte("old content\n"), *tt.existing)
				os.Chmod(tt.req.Path, *tt.existing)
			}
			res, err := h.WriteFile(testCtx(t, 10*time.Second), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := h.ReadFile(testCtx(t, 10*time.Second), tt.req.Path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got.Content) != string(tt.req.Content) || got.Mode != tt.wantMode || got.Owner != tt.wantUser {
				t.Errorf("after write: content %q mode %o owner %s; want %q %o %s",
					got.Content, got.Mode, got.Owner, tt.req.Content, tt.wantMode, tt.wantUser)
			}
			if want := sha256Hex(tt.req.Content); res.SHA256 != want {
				t.Errorf("SHA256 = %s, want %s", res.SHA256, want)
			}
			// The metadata reported is the file's, so callers need not read it back.
			if res.Mode != got.Mode || res.Owner != got.Owner || res.Group != got.Group {
				t.Errorf("reported mode %o owner %s group %s; the file has %o %s %s", res.Mode, res.Owner, res.Group, got.Mode, got.Owner, got.Group)
			}
			if diff := cmp.Diff([]string{"target.conf"}, dirNames(t, dir)); diff != "" {
				t.Errorf("files left in the directory (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteFileBackup(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	dir := t.TempDir()
	p := filepath.Join(dir, "app.conf")
	os.WriteFile(p, []byte("v1\n"), 0o600)
	var backups []string
	for _, content := range []string{"v2\n", "v3\n"} { // twice within a second: distinct names
		res, err := h.WriteFile(testCtx(t, 10*time.Second), steps.WriteFileRequest{Path: p, Content: []byte(content), Backup: true})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(res.BackupPath, p+".mend-backup-") {
			t.Fatalf("BackupPath = %q", res.BackupPath)
		}
		backups = append(backups, res.BackupPath)
	}
	if got := string(mustRead(t, backups[0])); got != "v1\n" {
		t.Errorf("first backup holds %q, want v1", got)
	}
	if got := string(mustRead(t, backups[1])); got != "v2\n" {
		t.Errorf("second backup holds %q, want v2", got)
	}
	if got := string(mustRead(t, p)); got != "v3\n" {
		t.Errorf("target holds %q, want v3", got)
	}
	if n := len(dirNames(t, dir)); n != 3 {
		t.Errorf("directory has %d entries, want target + 2 backups: %v", n, dirNames(t, dir))
	}
	res, err := h.WriteFile(testCtx(t, 10*time.Second), steps.WriteFileRequest{Path: filepath.Join(dir, "fresh"), Content: []byte("a"), Backup: true})
	if err != nil || res.BackupPath != "" {
		t.Errorf("backup of a file that did not exist: %q, %v", res.BackupPath, err)
	}
}

func TestWriteFileFailuresLeaveNothing(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "keep"), []byte("keep\n"), 0o644)
	tests := []struct {
		name  string
		req   steps.WriteFileRequest
		class steps.ErrorClass
		want  string
	}{
		{"missing directory", steps.WriteFileRequest{Path: filepath.Join(dir, "no", "such", "f"), Content: []byte("x")},
			steps.ClassStep, "directory " + filepath.Join(dir, "no", "such") + " does not exist"},
		{"unknown owner", steps.WriteFileRequest{Path: filepath.Join(dir, "keep"), Content: []byte("x"), Owner: "no-such-user-mend"},
			steps.ClassStep, "no-such-user-mend"},
		{"target is a directory", steps.WriteFileRequest{Path: dir, Content: []byte("x")}, steps.ClassStep, "is a directory"},
		{"relative path", steps.WriteFileRequest{Path: "rel/f", Content: []byte("x")}, steps.ClassConfig, "not absolute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.WriteFile(testCtx(t, 10*time.Second), tt.req)
			wantClass(t, err, tt.class)
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if diff := cmp.Diff([]string{"keep"}, dirNames(t, dir)); diff != "" {
				t.Errorf("directory changed (-want +got):\n%s", diff)
			}
			if got := string(mustRead(t, filepath.Join(dir, "keep"))); got != "keep\n" {
				t.Errorf("existing file now holds %q", got)
			}
		})
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func ptr[T any](v T) *T { return &v }

// TestWriteFileIfContent: a conditional write happens only while the file
// has the content (or absence) the caller saw; otherwise it changes
// nothing, leaves no temporary file and says so (steps.ErrChangedSince).
func TestWriteFileIfContent(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	write := func(content, ifContent string) error {
		_, err := h.WriteFile(testCtx(t, 10*time.Second), steps.WriteFileRequest{Path: path, Content: []byte(content), IfContent: ifContent})
		return err
	}
	if err := write("one\n", sha256Hex(nil)); !errors.Is(err, steps.ErrChangedSince) {
		t.Fatalf("write over a missing file expected to exist: %v, want ErrChangedSince", err)
	}
	if err := write("one\n", steps.Absent); err != nil {
		t.Fatal(err)
	}
	if err := write("two\n", steps.Absent); !errors.Is(err, steps.ErrChangedSince) {
		t.Fatalf("write expecting no file over an existing one: %v, want ErrChangedSince", err)
	}
	if err := write("two\n", sha256Hex([]byte("one\n"))); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "two\n" {
		t.Errorf("content %q, want two", b)
	}
	if diff := cmp.Diff([]string{"f"}, dirNames(t, dir)); diff != "" {
		t.Errorf("files in the directory (-want +got):\n%s", diff)
	}
}
