package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"

	"github.com/mend-sh/mend/steps"
)

// MaxReadFile is the largest file ReadFile returns (64 MiB).
const MaxReadFile = 64 << 20

// ReadFile reads path (following symlinks) and its mode, owner and group. A
// missing file is not an error: File.Exists is false. A directory or other
// non-regular file is an error naming the path, returned at once: the file
// is opened non-blocking, so a FIFO without a writer does not hang, and
// checked with fstat before anything is read, so a device is never
// streamed. A file over MaxReadFile bytes is an error; no more than one
// byte past the cap is read. Owner and group are names when the user and
// group databases know the ids, else the decimal ids.
func (h Host) ReadFile(ctx context.Context, path string) (steps.File, error) {
	if err := ctx.Err(); err != nil {
		return steps.File{}, fmt.Errorf("local: read %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return steps.File{Path: path}, nil
	}
	if err != nil {
		return steps.File{}, fmt.Errorf("local: read %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return steps.File{}, fmt.Errorf("local: stat %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return steps.File{}, steps.Errorf(steps.ClassStep, "local: read %s: not a regular file (%s)", path, fi.Mode().Type())
	}
	content, err := io.ReadAll(io.LimitReader(f, MaxReadFile+1))
	if err != nil {
		return steps.File{}, fmt.Errorf("local: read %s: %w", path, err)
	}
	if len(content) > MaxReadFile {
		return steps.File{}, steps.Errorf(steps.ClassStep, "local: read %s: file is larger than %d MiB", path, MaxReadFile>>20)
	}
	owner, group := ownerNames(fi)
	return steps.File{
		Path:    path,
		Exists:  true,
		Content: content,
		Mode:    permBits(fi.Mode()),
		Owner:   owner,
		Group:   group,
	}, nil
}

// permBits keeps the permission bits of m: rwx for all, setuid, setgid
// and sticky (as fs.FileMode flags, the form os.Chmod accepts).
func permBits(m fs.FileMode) fs.FileMode {
	return m & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
}
