package ssh

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/mend-sh/mend/steps"
)

// readScript prints "absent", or "present <octal mode> <owner> <group>"
// followed by the file's bytes. $p is set before it.
const readScript = `
if [ ! -e "$p" ]; then echo absent; exit 0; fi
if [ -d "$p" ]; then echo "$p is a directory" >&2; exit 3; fi
m=$(stat -L -c '%a %U %G' -- "$p") || exit 4
printf 'present %s\n' "$m"
exec cat -- "$p"
`

// ReadFile reads path in one command (through sudo on a sudo target): its
// permission bits, owner, group and content. A missing file is not an
// error; File.Exists is false. A file over 64 MiB is an error.
func (h *Host) ReadFile(ctx context.Context, path string) (steps.File, error) {
	if path == "" {
		return steps.File{}, steps.Errorf(steps.ClassConfig, "read file: empty path")
	}
	r, err := h.run(ctx, runRequest{op: "read " + path, command: "p=" + shellQuote(path) + readScript, sudo: h.sudo})
	if err != nil {
		return steps.File{}, err
	}
	if r.exitCode != 0 {
		return steps.File{}, steps.Errorf(steps.ClassStep, "read %s on %s: %s (exit status %d)",
			path, h.info.Name, strings.TrimSpace(string(r.stderr)), r.exitCode)
	}
	if r.truncated {
		return steps.File{}, steps.Errorf(steps.ClassStep, "read %s on %s: file is larger than %d MiB", path, h.info.Name, maxOutput>>20)
	}
	return parseRead(path, r.stdout)
}

func parseRead(path string, out []byte) (steps.File, error) {
	head, content, ok := bytes.Cut(out, []byte("\n"))
	fields := strings.Fields(string(head))
	if string(head) == "absent" {
		return steps.File{Path: path}, nil
	}
	if !ok || len(fields) != 4 || fields[0] != "present" {
		return steps.File{}, steps.Errorf(steps.ClassInternal, "read %s: unexpected reply %q", path, head)
	}
	mode, err := strconv.ParseUint(fields[1], 8, 32)
	if err != nil {
		return steps.File{}, steps.Errorf(steps.ClassInternal, "read %s: unexpected mode %q", path, fields[1])
	}
	return steps.File{
		Path: path, Exists: true, Content: content,
		Mode: fs.FileMode(mode) & fs.ModePerm, Owner: fields[2], Group: fields[3],
	}, nil
}

// WriteFile replaces req.Path atomically (see writeScript): the content
// goes to a mktemp file in the same directory, its sha256 is checked,
// mode and owner are set, it is synced, the old file is optionally kept
// as a hard link (or copy) named Path.mend-backup-<unix time>, and it is
// renamed over the target. On any failure the temporary file is removed
// and the target is untouched. A symlinked target is resolved and the
// file it points to is replaced. With Owner and Group empty an existing
// file keeps its owner and group.
func (h *Host) WriteFile(ctx context.Context, req steps.WriteFileRequest) (steps.WriteFileResult, error) {
	if req.Path == "" || !strings.HasPrefix(req.Path, "/") {
		return steps.WriteFileResult{}, steps.Errorf(steps.ClassConfig, "write file: path %q is not absolute", req.Path)
	}
	sum := sha256.Sum256(req.Content)
	want := hex.EncodeToString(sum[:])
	mode := ""
	if req.Mode != 0 {
		mode = strconv.FormatUint(uint64(req.Mode.Perm()), 8)
	}
	backup := "0"
	if req.Backup {
		backup = "1"
	}
	vars := fmt.Sprintf("p=%s want=%s mode=%s owner=%s group=%s backup=%s\n",
		shellQuote(req.Path), want, shellQuote(mode), shellQuote(req.Owner), shellQuote(req.Group), backup)
	r, err := h.run(ctx, runRequest{op: "write " + req.Path, command: vars + writeScript, stdin: req.Content, sudo: h.sudo})
	if err != nil {
		return steps.WriteFileResult{}, err
	}
	if r.exitCode != 0 {
		return steps.WriteFileResult{}, steps.Errorf(steps.ClassStep, "write %s on %s: %s (exit status %d); the file was not changed",
			req.Path, h.info.Name, strings.TrimSpace(string(r.stderr)), r.exitCode)
	}
	return parseWrite(req.Path, want, r.stdout)
}

func parseWrite(path, want string, out []byte) (steps.WriteFileResult, error) {
	var res steps.WriteFileResult
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if b, ok := strings.CutPrefix(line, "backup "); ok {
			res.BackupPath = b
		}
		if s, ok := strings.CutPrefix(line, "sha256 "); ok {
			res.SHA256 = s
		}
	}
	if res.SHA256 != want {
		return res, steps.Errorf(steps.ClassStep, "write %s: after the rename the file has sha256 %q, want %s", path, res.SHA256, want)
	}
	return res, nil
}
