package local

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mend-sh/mend/steps"
)

// TestReadFileRefusesSpecialFiles: a FIFO nobody writes to (whose plain
// open would block forever) and /dev/zero (endless) are refused at once
// with "not a regular file", well within the deadline.
func TestReadFileRefusesSpecialFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, "/dev/zero"} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			done := make(chan error, 1)
			go func() { _, err := (Host{}).ReadFile(ctx, path); done <- err }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), "not a regular file") || !strings.Contains(err.Error(), path) {
					t.Fatalf("ReadFile(%s) = %v, want a 'not a regular file' error naming it", path, err)
				}
				if c := steps.Classify(err); c != steps.ClassStep {
					t.Errorf("class %q, want step", c)
				}
			case <-time.After(3 * time.Second):
				unblockFIFO(path)
				t.Fatalf("ReadFile(%s) still blocked after 3 s", path)
			}
		})
	}
}

// TestReadFileTooLarge: a file one byte over MaxReadFile is an error;
// one of exactly MaxReadFile bytes is read whole. (Sparse files: cheap.)
func TestReadFileTooLarge(t *testing.T) {
	tests := []struct {
		name    string
		size    int64
		wantErr bool
	}{
		{"exactly 64 MiB", 64 << 20, false},
		{"one byte more", 64<<20 + 1, true},
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
			got, err := Host{}.ReadFile(context.Background(), p)
			switch {
			case tt.wantErr && (err == nil || !strings.Contains(err.Error(), "larger than 64 MiB")):
				t.Errorf("err = %v, want 'larger than 64 MiB'", err)
			case !tt.wantErr && (err != nil || int64(len(got.Content)) != tt.size):
				t.Errorf("read %d bytes, err %v; want %d bytes", len(got.Content), err, tt.size)
			}
		})
	}
}

// unblockFIFO opens path for writing without blocking, so that a reader
// stuck in open returns.
func unblockFIFO(path string) {
	if f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		f.Close()
	}
}
