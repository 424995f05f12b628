package ssh_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
)

const modeBits = fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky

// TestSpecialModeBits: setuid, setgid and sticky survive a read and a
// write over SSH, and writing plain 0755 over a setuid file clears it.
func TestSpecialModeBits(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	tests := []struct {
		name     string
		existing fs.FileMode  // 0: no file before
		write    *fs.FileMode // nil: no write; 0: write keeping the mode
		want     fs.FileMode  // on disk and from ReadFile
	}{
		{"a 4755 file reads back with ModeSetuid", 0o755 | fs.ModeSetuid, nil, 0o755 | fs.ModeSetuid},
		{"writing ModeSetuid|0755 gives 4755", 0, ptr(0o755 | fs.ModeSetuid), 0o755 | fs.ModeSetuid},
		{"writing 0755 over 4755 clears setuid", 0o755 | fs.ModeSetuid, ptr(fs.FileMode(0o755)), 0o755},
		{"setgid and sticky written", 0, ptr(0o770 | fs.ModeSetgid | fs.ModeSticky), 0o770 | fs.ModeSetgid | fs.ModeSticky},
		{"mode 0 keeps setuid and setgid", 0o750 | fs.ModeSetuid | fs.ModeSetgid, ptr(fs.FileMode(0)), 0o750 | fs.ModeSetuid | fs.ModeSetgid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "tool")
			if tt.existing != 0 {
				os.WriteFile(p, []byte("old\n"), 0o600)
				if err := os.Chmod(p, tt.existing); err != nil {
					t.Fatal(err)
				}
			}
			if tt.write != nil {
				req := steps.WriteFileRequest{Path: p, Content: []byte("new\n"), Mode: *tt.write}
				if _, err := h.WriteFile(testCtx(t, 10*time.Second), req); err != nil {
					t.Fatal(err)
				}
			}
			got, err := h.ReadFile(testCtx(t, 10*time.Second), p)
			if err != nil {
				t.Fatal(err)
			}
			if got.Mode != tt.want {
				t.Errorf("ReadFile mode = %v, want %v", got.Mode, tt.want)
			}
			if st, err := os.Stat(p); err != nil || st.Mode()&modeBits != tt.want {
				t.Errorf("on disk %v (%v), want %v", st.Mode()&modeBits, err, tt.want)
			}
		})
	}
}

// TestNumericOwner: a file owned by ids without names reads back with the
// decimal ids, and a write keeping its owner keeps them.
func TestNumericOwner(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	p := filepath.Join(t.TempDir(), "f")
	os.WriteFile(p, []byte("x\n"), 0o644)
	if err := os.Chown(p, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	want := steps.File{Path: p, Exists: true, Content: []byte("x\n"), Mode: 0o644, Owner: "4242", Group: "4242"}
	got, err := h.ReadFile(testCtx(t, 10*time.Second), p)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadFile (-want +got):\n%s", diff)
	}
	req := steps.WriteFileRequest{Path: p, Content: []byte("y\n"), Owner: "4242"}
	if _, err := h.WriteFile(testCtx(t, 10*time.Second), req); err != nil {
		t.Fatal(err)
	}
	want.Content = []byte("y\n")
	if got, err = h.ReadFile(testCtx(t, 10*time.Second), p); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after writing with Owner 4242, group kept (-want +got):\n%s", diff)
	}
}
