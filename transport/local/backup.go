package local

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// maxBackupNames bounds the search for a free backup name when several
// backups of one file are made within the same second.
const maxBackupNames = 100

// backup keeps the current content of target as
// <target>.mend-backup-<unix time> (".1", ".2"... appended when that name is
// taken): a hard link where possible, else a copy with the same mode.
func backup(target string, now time.Time) (string, error) {
	base := fmt.Sprintf("%s.mend-backup-%d", target, now.Unix())
	for i := 0; i < maxBackupNames; i++ {
		name := base
		if i > 0 {
			name = fmt.Sprintf("%s.%d", base, i)
		}
		err := os.Link(target, name)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			err = copyFile(target, name)
		}
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("backup to %s: %w", name, err)
		}
		return name, nil
	}
	return "", fmt.Errorf("backup of %s: %d backups already made at %s", target, maxBackupNames, now.UTC().Format(time.RFC3339))
}

// copyFile copies src to a new file dst (which must not exist) with src's
// mode, and fsyncs it.
func copyFile(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, permBits(fi.Mode()))
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(dst)
		}
	}()
	if _, err := io.Copy(out, in); err != nil {
		return err
	}
	return out.Sync()
}

// hashFile returns the hex SHA-256 of the file at path.
func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("local: read back %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("local: read back %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// syncDir fsyncs a directory; filesystems that cannot (EINVAL) are not
// an error.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}
