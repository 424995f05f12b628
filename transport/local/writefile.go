package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/mend-sh/mend/steps"
)

// newFileMode is the mode of a new file when the request gives none.
const newFileMode fs.FileMode = 0o644

// WriteFile replaces req.Path atomically. The content is written to a
// temporary file in the same directory, which gets its owner and group
// (requested ones, else those of the file it replaces) and its mode
// (requested, else the replaced file's, else 0644), is fsynced and renamed
// over the target; the directory is then fsynced and the target read back
// to compute SHA256. A symlink at req.Path is followed: the file it points
// to is replaced and the link is kept. With req.Backup, an existing file is
// first hard-linked (or, where links fail, copied) to
// <target>.mend-backup-<unix time>. On any failure before the rename, the
// target is untouched and no temporary file or backup is left behind.
func (h Host) WriteFile(ctx context.Context, req steps.WriteFileRequest) (steps.WriteFileResult, error) {
	if err := ctx.Err(); err != nil {
		return steps.WriteFileResult{}, fmt.Errorf("local: write %s: %w", req.Path, err)
	}
	if !filepath.IsAbs(req.Path) {
		return steps.WriteFileResult{}, steps.Errorf(steps.ClassConfig, "local: write %q: path is not absolute", req.Path)
	}
	target, old, err := resolveTarget(req.Path)
	if err != nil {
		return steps.WriteFileResult{}, err
	}
	if err := checkUnchanged(req, target, old); err != nil {
		return steps.WriteFileResult{}, err
	}
	uid, gid, err := desiredIDs(req, old)
	if err != nil {
		return steps.WriteFileResult{}, err
	}
	tmp, err := writeTemp(target, req.Content, desiredMode(req, old), uid, gid)
	if err != nil {
		return steps.WriteFileResult{}, err
	}
	res := steps.WriteFileResult{}
	if res.BackupPath, err = commit(ctx, tmp, target, req.Backup && old != nil); err != nil {
		return res, err
	}
	if err := syncDir(filepath.Dir(target)); err != nil {
		return res, fmt.Errorf("local: replaced %s but could not fsync its directory: %w", target, err)
	}
	if res.SHA256, err = hashFile(target); err != nil {
		return res, err
	}
	fi, err := os.Stat(target)
	if err != nil {
		return res, fmt.Errorf("local: replaced %s but cannot stat it: %w", target, err)
	}
	res.Mode = permBits(fi.Mode())
	res.Owner, res.Group = ownerNames(fi)
	return res, nil
}

// checkUnchanged enforces req.IfContent: the target still has the content
// (or absence) the caller saw.
func checkUnchanged(req steps.WriteFileRequest, target string, old fs.FileInfo) error {
	if req.IfContent == "" {
		return nil
	}
	now := steps.Absent
	if old != nil {
		var err error
		if now, err = hashFile(target); err != nil {
			return err
		}
	}
	if now != req.IfContent {
		return fmt.Errorf("local: write %s: %w (sha256 now %s, was %s); the file was not changed", req.Path, steps.ErrChangedSince, now, req.IfContent)
	}
	return nil
}

// commit makes the backup if asked, then renames tmp over target unless ctx
// is done. On failure it removes tmp and the backup it made.
func commit(ctx context.Context, tmp, target string, withBackup bool) (backupPath string, err error) {
	if withBackup {
		backupPath, err = backup(target, time.Now())
	}
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		err = os.Rename(tmp, target)
	}
	if err != nil {
		os.Remove(tmp)
		if backupPath != "" {
			os.Remove(backupPath)
		}
		return "", fmt.Errorf("local: write %s: %w", target, err)
	}
	return backupPath, nil
}

// resolveTarget follows symlinks at path and returns the file to replace
// and its current FileInfo (nil when it does not exist yet). Anything but
// a regular file is refused.
func resolveTarget(path string) (string, fs.FileInfo, error) {
	target, err := filepath.EvalSymlinks(path)
	if errors.Is(err, fs.ErrNotExist) {
		if _, lerr := os.Lstat(path); lerr == nil {
			return "", nil, fmt.Errorf("local: write %s: dangling symlink", path)
		}
		return path, nil, nil
	}
	if err != nil {
		return "", nil, fmt.Errorf("local: write %s: %w", path, err)
	}
	fi, err := os.Stat(target)
	if err != nil {
		return "", nil, fmt.Errorf("local: write %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return "", nil, fmt.Errorf("local: write %s: not a regular file (%s)", path, fi.Mode().Type())
	}
	return target, fi, nil
}

// desiredMode is the requested mode, else the old file's, else 0644.
func desiredMode(req steps.WriteFileRequest, old fs.FileInfo) fs.FileMode {
	switch {
	case req.Mode != 0:
		return permBits(req.Mode)
	case old != nil:
		return permBits(old.Mode())
	}
	return newFileMode
}

// writeTemp writes content to a new temporary file beside target, sets its
// owner (uid/gid -1: unchanged) and then its mode (chown may clear setuid
// bits, so chmod comes last), fsyncs and closes it. It returns the
// temporary file's path; on error nothing is left behind.
func writeTemp(target string, content []byte, mode fs.FileMode, uid, gid int) (path string, err error) {
	dir, base := filepath.Split(target)
	f, err := os.CreateTemp(dir, "."+base+".mend-tmp-*")
	if err != nil {
		return "", fmt.Errorf("local: write %s: create temporary file: %w", target, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("local: write %s: close temporary file: %w", target, cerr)
		}
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(content); err != nil {
		return "", fmt.Errorf("local: write %s: %w", target, err)
	}
	if err := f.Chown(uid, gid); err != nil {
		return "", fmt.Errorf("local: write %s: chown: %w", target, err)
	}
	if err := f.Chmod(mode); err != nil {
		return "", fmt.Errorf("local: write %s: chmod: %w", target, err)
	}
	if err := f.Sync(); err != nil {
		return "", fmt.Errorf("local: write %s: fsync: %w", target, err)
	}
	return f.Name(), nil
}
