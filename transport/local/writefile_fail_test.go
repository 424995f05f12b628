package local

import (
	"context"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps"
)

// TestWriteFileFailureLeavesNoTrace proves a failed write leaves the target
// as it was and no temporary file or backup behind.
func TestWriteFileFailureLeavesNoTrace(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name      string
		ctx       context.Context
		req       steps.WriteFileRequest
		wantErr   string
		wantClass steps.ErrorClass
	}{
		{name: "unknown owner", req: steps.WriteFileRequest{Content: []byte("new\n"), Owner: "no-such-user-mend", Backup: true},
			wantErr: `unknown user "no-such-user-mend"`, wantClass: steps.ClassStep},
		{name: "unknown group", req: steps.WriteFileRequest{Content: []byte("new\n"), Group: "no-such-group-mend"},
			wantErr: `unknown group "no-such-group-mend"`, wantClass: steps.ClassStep},
		{name: "context done", ctx: canceled, req: steps.WriteFileRequest{Content: []byte("new\n"), Backup: true},
			wantErr: "context canceled", wantClass: steps.ClassCanceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := writeTestFile(t, filepath.Join(dir, "target"), "old\n", 0o600)
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			tt.req.Path = path
			_, err := Host{}.WriteFile(ctx, tt.req)
			assertFailedCleanly(t, err, tt.wantErr, tt.wantClass, dir)
		})
	}
}

// TestWriteFileDiskFullLeavesNoTrace fills a tiny tmpfs: the write itself
// fails, after the temporary file was created.
func TestWriteFileDiskFullLeavesNoTrace(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=16k"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("mount tmpfs (needs root): %v", err)
		}
		t.Skipf("mount tmpfs (needs root): %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	writeTestFile(t, filepath.Join(dir, "target"), "old\n", 0o600)
	big := []byte(strings.Repeat("x", 64<<10))
	_, err := Host{}.WriteFile(context.Background(), steps.WriteFileRequest{Path: filepath.Join(dir, "target"), Content: big, Backup: true})
	assertFailedCleanly(t, err, "no space left on device", steps.ClassStep, dir)
}

func TestWriteFileRefuses(t *testing.T) {
	dir := t.TempDir()
	dangling := filepath.Join(dir, "dangling")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), dangling); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, wantErr string
		wantClass           steps.ErrorClass
	}{
		{"relative path", "etc/x", `"etc/x": path is not absolute`, steps.ClassConfig},
		{"directory", dir, dir + ": not a regular file", steps.ClassStep},
		{"dangling symlink", dangling, dangling + ": dangling symlink", steps.ClassStep},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Host{}.WriteFile(context.Background(), steps.WriteFileRequest{Path: tt.path, Content: []byte("x")})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || steps.Classify(err) != tt.wantClass {
				t.Errorf("WriteFile(%q) error = %v (%s), want %q (%s)", tt.path, err, steps.Classify(err), tt.wantErr, tt.wantClass)
			}
		})
	}
}

func assertFailedCleanly(t *testing.T, err error, wantErr string, wantClass steps.ErrorClass, dir string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), wantErr) {
		t.Fatalf("WriteFile error = %v, want one containing %q", err, wantErr)
	}
	if got := steps.Classify(err); got != wantClass {
		t.Errorf("Classify(%v) = %q, want %q", err, got, wantClass)
	}
	if diff := cmp.Diff([]string{"target"}, listDir(t, dir)); diff != "" {
		t.Errorf("directory after a failed write (-want +got):\n%s", diff)
	}
	got, rerr := os.ReadFile(filepath.Join(dir, "target"))
	if rerr != nil || string(got) != "old\n" {
		t.Errorf("target after a failed write = %q, %v; want it untouched", got, rerr)
	}
}

// TestWriteFileOwnership needs root: it gives a file to nobody:nogroup and
// checks that a later write without owner keeps it so.
func TestWriteFileOwnership(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("chown to another user needs root")
	}
	group := "nogroup"
	if _, err := user.LookupGroup(group); err != nil {
		t.Skipf("no group %q: %v", group, err)
	}
	path := filepath.Join(t.TempDir(), "owned")
	writes := []steps.WriteFileRequest{
		{Path: path, Content: []byte("one\n"), Owner: "nobody", Group: group, Mode: 0o640},
		{Path: path, Content: []byte("two\n")},
	}
	for _, req := range writes {
		if _, err := (Host{}).WriteFile(context.Background(), req); err != nil {
			t.Fatalf("WriteFile: %v", err)
		}
	}
	want := fileState{"two\n", 0o640, "nobody", group}
	if diff := cmp.Diff(want, stateOf(t, path)); diff != "" {
		t.Errorf("file after two writes (-want +got):\n%s", diff)
	}
}

// TestWriteFileConcurrent proves concurrent writers never leave a mixed or
// partial file, nor temporary files.
func TestWriteFileConcurrent(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "target")
	contents := map[string]bool{}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		c := strings.Repeat(string(rune('a'+i)), 100<<10)
		contents[c] = true
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := (Host{}).WriteFile(context.Background(), steps.WriteFileRequest{Path: path, Content: []byte(c)}); err != nil {
				t.Errorf("WriteFile: %v", err)
			}
		}()
	}
	wg.Wait()
	got, err := os.ReadFile(path)
	if err != nil || !contents[string(got)] {
		t.Errorf("after concurrent writes the file holds %d bytes starting %.10q (%v), want one writer's content", len(got), got, err)
	}
	if diff := cmp.Diff([]string{"target"}, listDir(t, dir)); diff != "" {
		t.Errorf("directory after concurrent writes (-want +got):\n%s", diff)
	}
}
