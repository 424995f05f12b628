package audit

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// openRegular opens path with flag (plus O_NOFOLLOW and O_CLOEXEC) and
// refuses anything but a regular file, without blocking first: the open is
// non-blocking, so a FIFO planted (or mistyped) at the log's path cannot
// stall mend before it has run anything, and a device (/dev/zero, a tty)
// is refused before a byte is read from it. A symbolic link is refused
// rather than followed.
func openRegular(path string, flag int, perm uint32) (*os.File, error) {
	fd, err := syscall.Open(path, flag|syscall.O_NONBLOCK|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, perm)
	if errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("the file is a symbolic link; give the path of the file itself: %w", err)
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		syscall.Close(fd)
		return nil, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		syscall.Close(fd)
		return nil, fmt.Errorf("the file is %s, not a regular file; an audit log must be a regular file", fileKind(st.Mode))
	}
	if err := syscall.SetNonblock(fd, false); err != nil {
		syscall.Close(fd)
		return nil, &os.PathError{Op: "fcntl", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}

// fileKind names a non-regular file type for an error message.
func fileKind(mode uint32) string {
	switch mode & syscall.S_IFMT {
	case syscall.S_IFIFO:
		return "a FIFO (named pipe)"
	case syscall.S_IFCHR:
		return "a character device"
	case syscall.S_IFBLK:
		return "a block device"
	case syscall.S_IFDIR:
		return "a directory"
	case syscall.S_IFSOCK:
		return "a socket"
	}
	return fmt.Sprintf("a special file (mode %#o)", mode)
}
