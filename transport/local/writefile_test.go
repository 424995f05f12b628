package local

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps"
)

// fileState is what a test checks after a write.
type fileState struct {
	Content string
	Mode    fs.FileMode
	Owner   string
	Group   string
}

func TestWriteFile(t *testing.T) {
	me := currentNames(t)
	tests := []struct {
		name     string
		existing *fileState // nil: no file before the write
		req      steps.WriteFileRequest
		want     fileState
	}{
		{name: "new file defaults to 0644",
			req:  steps.WriteFileRequest{Content: []byte("new\n")},
			want: fileState{"new\n", 0o644, me.owner, me.group}},
		{name: "new file with a mode",
			req:  steps.WriteFileRequest{Content: []byte("secret\n"), Mode: 0o600},
			want: fileState{"secret\n", 0o600, me.owner, me.group}},
		{name: "zero mode keeps the existing mode",
			existing: &fileState{Content: "old\n", Mode: 0o640},
			req:      steps.WriteFileRequest{Content: []byte("new\n")},
			want:     fileState{"new\n", 0o640, me.owner, me.group}},
		{name: "mode is changed",
			existing: &fileState{Content: "same\n", Mode: 0o600},
			req:      steps.WriteFileRequest{Content: []byte("same\n"), Mode: 0o644},
			want:     fileState{"same\n", 0o644, me.owner, me.group}},
		{name: "setuid mode",
			req:  steps.WriteFileRequest{Content: []byte("#!/bin/sh\n"), Mode: 0o755 | fs.ModeSetuid},
			want: fileState{"#!/bin/sh\n", 0o755 | fs.ModeSetuid, me.owner, me.group}},
		{name: "empty content",
			existing: &fileState{Content: "old\n", Mode: 0o644},
			req:      steps.WriteFileRequest{Content: nil},
			want:     fileState{"", 0o644, me.owner, me.group}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "target.conf")
			if tt.existing != nil {
				writeTestFile(t, path, tt.existing.Content, tt.existing.Mode)
			}
			tt.req.Path = path
			res, err := Host{}.WriteFile(context.Background(), tt.req)
			if err != nil {
				t.Fatalf("WriteFile: %v", err)
			}
			after := stateOf(t, path)
			if diff := cmp.Diff(tt.want, after); diff != "" {
				t.Errorf("file after WriteFile (-want +got):\n%s", diff)
			}
			// The result reports the metadata the file has, for a caller
			// that verifies without reading it back.
			want := steps.WriteFileResult{SHA256: sha256Hex(tt.want.Content), Mode: after.Mode, Owner: after.Owner, Group: after.Group}
			if diff := cmp.Diff(want, res); diff != "" {
				t.Errorf("WriteFileResult (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"target.conf"}, listDir(t, dir)); diff != "" {
				t.Errorf("directory after WriteFile (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteFileBackup(t *testing.T) {
	dir := t.TempDir()
	path := writeTestFile(t, filepath.Join(dir, "ca.pem"), "old CA\n", 0o640)
	first, err := Host{}.WriteFile(context.Background(), steps.WriteFileRequest{Path: path, Content: []byte("new CA\n"), Backup: true})
	if err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	second, err := Host{}.WriteFile(context.Background(), steps.WriteFileRequest{Path: path, Content: []byte("newer CA\n"), Backup: true})
	if err != nil {
		t.Fatalf("second WriteFile: %v", err)
	}
	name := regexp.MustCompile(`^` + regexp.QuoteMeta(path) + `\.mend-backup-\d{10}(\.\d+)?$`)
	for _, bk := range []string{first.BackupPath, second.BackupPath} {
		if !name.MatchString(bk) {
			t.Errorf("BackupPath %q does not match %s", bk, name)
		}
	}
	got := map[string]fileState{"first": stateOf(t, first.BackupPath), "second": stateOf(t, second.BackupPath), "target": stateOf(t, path)}
	me := currentNames(t)
	want := map[string]fileState{
		"first":  {"old CA\n", 0o640, me.owner, me.group},
		"second": {"new CA\n", 0o640, me.owner, me.group},
		"target": {"newer CA\n", 0o640, me.owner, me.group},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files after two backed-up writes (-want +got):\n%s", diff)
	}
}

func TestWriteFileBackupOfNewFileIsNone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new")
	res, err := Host{}.WriteFile(context.Background(), steps.WriteFileRequest{Path: path, Content: []byte("x"), Backup: true})
	if err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	if res.BackupPath != "" {
		t.Errorf("BackupPath = %q for a file that did not exist", res.BackupPath)
	}
}

func stateOf(t *testing.T, path string) fileState {
	t.Helper()
	f, err := Host{}.ReadFile(context.Background(), path)
	if err != nil || !f.Exists {
		t.Fatalf("ReadFile(%s): exists=%v err=%v", path, f.Exists, err)
	}
	return fileState{string(f.Content), f.Mode, f.Owner, f.Group}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// listDir returns the sorted names in dir, temporary files included.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// TestWriteFileIfContent: a conditional write happens when the file still
// has the content (or absence) the caller saw, and otherwise changes
// nothing and says so (steps.ErrChangedSince).
func TestWriteFileIfContent(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	ctx := context.Background()
	if _, err := (Host{}).WriteFile(ctx, steps.WriteFileRequest{Path: path, Content: []byte("one\n"), IfContent: sha256Hex("")}); !errors.Is(err, steps.ErrChangedSince) {
		t.Fatalf("write over a missing file expected to have content: %v, want ErrChangedSince", err)
	}
	if _, err := (Host{}).WriteFile(ctx, steps.WriteFileRequest{Path: path, Content: []byte("one\n"), IfContent: steps.Absent}); err != nil {
		t.Fatal(err)
	}
	if _, err := (Host{}).WriteFile(ctx, steps.WriteFileRequest{Path: path, Content: []byte("two\n"), IfContent: steps.Absent}); !errors.Is(err, steps.ErrChangedSince) {
		t.Fatalf("write expecting no file over an existing one: %v, want ErrChangedSince", err)
	}
	if _, err := (Host{}).WriteFile(ctx, steps.WriteFileRequest{Path: path, Content: []byte("two\n"), IfContent: sha256Hex("one\n")}); err != nil {
		t.Fatal(err)
	}
	if got := stateOf(t, path).Content; got != "two\n" {
		t.Errorf("content %q, want two", got)
	}
	if diff := cmp.Diff([]string{"f"}, listDir(t, dir)); diff != "" {
		t.Errorf("directory (-want +got):\n%s", diff)
	}
}
