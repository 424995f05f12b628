package ssh_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
)

// TestReadFileRefusesSpecialFiles: a FIFO (cat would wait for a writer
// forever) and /dev/zero (endless) are refused promptly with "not a
// regular file", well within the deadline.
func TestReadFileRefusesSpecialFiles(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ path, kind string }{{fifo, "fifo"}, {"/dev/zero", "character special file"}}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			start := time.Now()
			_, err := h.ReadFile(testCtx(t, 5*time.Second), tt.path)
			wantClass(t, err, steps.ClassStep)
			if want := tt.path + " is not a regular file (" + tt.kind + ")"; !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not contain %q", err, want)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %s", d)
			}
		})
	}
}

// TestReadFileTooLarge: a file of exactly 64 MiB is read whole; a file
// of 4 GiB is refused as soon as the host sent just over 64 MiB, long
// before the 10 s deadline (sending all 4 GiB would take far longer).
func TestReadFileTooLarge(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	tests := []struct {
		name    string
		size    int64
		wantErr bool
	}{
		{"exactly 64 MiB", 64 << 20, false},
		{"4 GiB", 4 << 30, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "sparse")
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(p, tt.size); err != nil {
				t.Fatal(err)
			}
			got, err := h.ReadFile(testCtx(t, 10*time.Second), p)
			if !tt.wantErr {
				if err != nil || int64(len(got.Content)) != tt.size {
					t.Fatalf("read %d bytes, err %v; want %d bytes", len(got.Content), err, tt.size)
				}
				return
			}
			wantClass(t, err, steps.ClassStep)
			if !strings.Contains(err.Error(), "file is larger than 64 MiB") {
				t.Errorf("error %q", err)
			}
		})
	}
}
