// Package localfile reads the files a runbook names on the machine that
// runs mend (file(), filebase64(), the file step's source): relative to
// the runbook's directory, regular files only, bounded in size.
package localfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// Max is the largest local file mend reads for a runbook (16 MiB): content
// is held in memory and sent to every target host, and a path given by
// mistake (a log, /dev/zero) must not be read whole.
const Max = 16 << 20

// Path resolves p against dir (the runbook's directory) unless it is
// absolute or dir is empty.
func Path(dir, p string) string {
	if filepath.IsAbs(p) || dir == "" {
		return p
	}
	return filepath.Join(dir, p)
}

// Read reads a local file named relative to dir: a regular file of at most
// Max bytes. A FIFO or device is refused without blocking (it is opened
// non-blocking and checked before any read). Errors name the resolved path
// and say what to do.
func Read(dir, p string) ([]byte, error) {
	f, full, err := open(dir, p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := int64(0)
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	// One allocation of the right size, plus a byte to see growth.
	b := make([]byte, size+1)
	n, err := io.ReadFull(f, b)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		b = b[:n]
	case err != nil:
		return nil, fmt.Errorf("cannot read %s: %w", full, err)
	default: // it grew while read
		rest, err := io.ReadAll(io.LimitReader(f, Max+1-int64(n)))
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", full, err)
		}
		b = append(b, rest...)
	}
	if len(b) > Max {
		return nil, fmt.Errorf("%s grew past %d bytes while it was read", full, Max)
	}
	return b, nil
}

// Check is Read without reading: the file exists, is regular and is not
// too large.
func Check(dir, p string) error {
	f, _, err := open(dir, p)
	if err == nil {
		f.Close()
	}
	return err
}

func open(dir, p string) (*os.File, string, error) {
	if p == "" {
		return nil, "", fmt.Errorf("the path is empty")
	}
	full := Path(dir, p)
	f, err := os.OpenFile(full, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, full, fmt.Errorf("cannot read %s: %w (a relative path is relative to the runbook's directory)", p, err)
	}
	st, err := f.Stat()
	switch {
	case err != nil:
		err = fmt.Errorf("cannot read %s: %w", full, err)
	case !st.Mode().IsRegular():
		err = fmt.Errorf("%s is a %s, not a regular file", full, Kind(st.Mode()))
	case st.Size() > Max:
		err = fmt.Errorf("%s is %d bytes; a local file may have at most %d bytes (%d MiB)", full, st.Size(), Max, Max>>20)
	}
	if err != nil {
		f.Close()
		return nil, full, err
	}
	return f, full, nil
}

// Kind names a file type that is not a regular file, for messages:
// "directory", "FIFO", "character device"...
func Kind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&os.ModeCharDevice != 0:
		return "character device"
	case m&os.ModeDevice != 0:
		return "block device"
	case m&os.ModeNamedPipe != 0:
		return "FIFO"
	case m&os.ModeSocket != 0:
		return "socket"
	}
	return "special file"
}
