package local

import (
	"context"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	me := currentNames(t)
	regular := writeTestFile(t, filepath.Join(dir, "regular"), "hello\n", 0o640)
	setuid := writeTestFile(t, filepath.Join(dir, "setuid"), "#!/bin/sh\n", 0o4755)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(regular, link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		want    steps.File
		wantErr string
	}{
		{name: "regular file", path: regular, want: steps.File{Path: regular, Exists: true,
			Content: []byte("hello\n"), Mode: 0o640, Owner: me.owner, Group: me.group}},
		{name: "setuid bit kept as fs.ModeSetuid", path: setuid, want: steps.File{Path: setuid, Exists: true,
			Content: []byte("#!/bin/sh\n"), Mode: 0o755 | fs.ModeSetuid, Owner: me.owner, Group: me.group}},
		{name: "symlink is followed", path: link, want: steps.File{Path: link, Exists: true,
			Content: []byte("hello\n"), Mode: 0o640, Owner: me.owner, Group: me.group}},
		{name: "missing file is not an error", path: filepath.Join(dir, "missing"),
			want: steps.File{Path: filepath.Join(dir, "missing")}},
		{name: "directory is an error", path: dir, wantErr: "not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Host{}.ReadFile(context.Background(), tt.path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), tt.path) {
					t.Fatalf("ReadFile error = %v, want one containing %q and the path", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadFile: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ReadFile (-want +got):\n%s", diff)
			}
		})
	}
}

type names struct{ owner, group string }

// currentNames returns the user and group names new files get.
func currentNames(t *testing.T) names {
	t.Helper()
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	g, err := user.LookupGroupId(u.Gid)
	if err != nil {
		t.Fatal(err)
	}
	return names{u.Username, g.Name}
}

// writeTestFile creates path with content and exactly mode (despite umask).
func writeTestFile(t *testing.T, path, content string, mode fs.FileMode) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, unixToGo(mode)); err != nil {
		t.Fatal(err)
	}
	return path
}

// unixToGo turns raw 0o4000/0o2000/0o1000 bits into fs.FileMode flags.
func unixToGo(m fs.FileMode) fs.FileMode {
	out := m & fs.ModePerm
	for raw, flag := range map[fs.FileMode]fs.FileMode{0o4000: fs.ModeSetuid, 0o2000: fs.ModeSetgid, 0o1000: fs.ModeSticky} {
		if m&raw != 0 {
			out |= flag
		}
	}
	return out
}
