package checkpoint

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// Path is the checkpoints file of the log at logPath.
func Path(logPath string) string { return logPath + ".checkpoints" }

// line is one line of the checkpoints file.
type line struct {
	Message   string `json:"message"`
	Signature string `json:"signature"`
}

// maxLine bounds one line of the file: a message and an armored signature
// take well under 4 KiB even with an RSA-8192 key.
const maxLine = 64 << 10

// stored is a checkpoint as read from the file, or why it could not be.
type stored struct {
	Checkpoint
	line int    // 1-based line number
	hash string // sha256 of the line: the next checkpoint's Prev
	err  error  // the line is not a checkpoint
}

// readAll reads the checkpoints of the log at logPath, in file order. A
// missing file is no checkpoints. A line that does not parse is returned
// with its error, not skipped, so Verify reports it.
func readAll(logPath string) ([]stored, error) {
	f, err := openFile(Path(logPath), os.O_RDONLY)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH); err != nil {
		return nil, fmt.Errorf("%s: lock: %w", f.Name(), err)
	}
	return readLines(f)
}

func readLines(f *os.File) ([]stored, error) {
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 4096), maxLine)
	var out []stored
	for n := 1; sc.Scan(); n++ {
		s := stored{line: n, hash: lineHash(sc.Bytes())}
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			s.err = fmt.Errorf("not a checkpoint: %v", err)
		} else if s.Checkpoint, err = parseMessage(l.Message); err != nil {
			s.err = err
		}
		s.Signature = []byte(l.Signature)
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("%s:%d: %w", f.Name(), len(out)+1, err)
	}
	return out, nil
}

// appendCheckpoint adds c as the file's last line, setting c.Prev to the
// hash of the line before under an exclusive flock, with sign making the
// signature of the completed message. The file is created 0644 (the
// checkpoints are public statements) and fsynced.
func appendCheckpoint(logPath string, c Checkpoint, sign func([]byte) ([]byte, error)) (Checkpoint, error) {
	f, err := openFile(Path(logPath), os.O_RDWR|os.O_APPEND|os.O_CREATE)
	if err != nil {
		return c, err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return c, fmt.Errorf("%s: lock: %w", f.Name(), err)
	}
	prev, err := readLines(f)
	if err != nil {
		return c, err
	}
	c.Prev = ""
	if len(prev) > 0 {
		c.Prev = prev[len(prev)-1].hash
	}
	if c.Signature, err = sign(c.Message()); err != nil {
		return c, err
	}
	b, err := json.Marshal(line{Message: string(c.Message()), Signature: string(c.Signature)})
	if err != nil {
		return c, err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		return c, fmt.Errorf("%s: %w", f.Name(), err)
	}
	if err := f.Sync(); err != nil {
		return c, fmt.Errorf("%s: fsync: %w", f.Name(), err)
	}
	return c, nil
}

// openFile opens path without following a symbolic link and refuses
// anything but a regular file.
func openFile(path string, flag int) (*os.File, error) {
	f, err := os.OpenFile(path, flag|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o644)
	if errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("%s is a symbolic link; it must be a regular file", path)
	}
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s is not a regular file", path)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
