package ssh

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"strings"

	"github.com/mend-sh/mend/internal/shell"
	"github.com/mend-sh/mend/steps"
)

// fileMode turns Unix mode bits (07777) into an fs.FileMode: rwx bits,
// and setuid, setgid and sticky as fs.ModeSetuid, fs.ModeSetgid and
// fs.ModeSticky, the form the local transport and os.Chmod use.
func fileMode(unix uint32) fs.FileMode {
	m := fs.FileMode(unix) & fs.ModePerm
	for bit, flag := range specialBits {
		if unix&bit != 0 {
			m |= flag
		}
	}
	return m
}

// unixMode is the inverse of fileMode: m's rwx, setuid, setgid and sticky
// bits as Unix mode bits (07777); other bits of m are ignored.
func unixMode(m fs.FileMode) uint32 {
	unix := uint32(m.Perm())
	for bit, flag := range specialBits {
		if m&flag != 0 {
			unix |= bit
		}
	}
	return unix
}

var specialBits = map[uint32]fs.FileMode{0o4000: fs.ModeSetuid, 0o2000: fs.ModeSetgid, 0o1000: fs.ModeSticky}

// WriteFile replaces req.Path atomically (see writeScript): the content
// goes to a mktemp file in the same directory, its sha256 is checked,
// mode and owner are set, it is synced, the old file is optionally kept
// as a hard link (or copy) named Path.mend-backup-<unix time>, and it is
// renamed over the target. On any failure the temporary file is removed
// and the target is untouched; temporary files that earlier writes to the
// same path left when killed are removed first and reported in
// LeftoversRemoved. A symlinked target is resolved and the
// file it points to is replaced. req.Mode's setuid, setgid and sticky
// bits are applied too (chmod comes after chown, which clears setuid).
// Owner or Group left empty keeps an existing file's owner or group; a
// login user that cannot chown to that owner and group (not root, no
// sudo) gets an error naming them, and the file is not changed.
func (h *Host) WriteFile(ctx context.Context, req steps.WriteFileRequest) (steps.WriteFileResult, error) {
	if req.Path == "" || !strings.HasPrefix(req.Path, "/") {
		return steps.WriteFileResult{}, steps.Errorf(steps.ClassConfig, "write file: path %q is not absolute", req.Path)
	}
	want := req.SHA256
	if want == "" {
		sum := sha256.Sum256(req.Content)
		want = hex.EncodeToString(sum[:])
	}
	mode := ""
	if req.Mode != 0 {
		mode = fmt.Sprintf("%04o", unixMode(req.Mode))
	}
	backup := "0"
	if req.Backup {
		backup = "1"
	}
	vars := fmt.Sprintf("p=%s want=%s mode=%s owner=%s group=%s backup=%s r=%s ifc=%s\n",
		shell.Quote(req.Path), want, shell.Quote(mode), shell.Quote(req.Owner), shell.Quote(req.Group), backup, rand.Text()[:12], shell.Quote(req.IfContent))
	r, err := h.run(ctx, runRequest{op: "write " + req.Path, command: vars + writeScript, stdin: req.Content, sudo: h.sudo})
	if err != nil {
		return steps.WriteFileResult{}, err
	}
	if r.exitCode == 8 && req.IfContent != "" {
		return steps.WriteFileResult{}, fmt.Errorf("write %s on %s: %w: %s; the file was not changed",
			req.Path, h.info.Name, steps.ErrChangedSince, strings.TrimSpace(string(r.stderr)))
	}
	if r.exitCode == 7 {
		return steps.WriteFileResult{}, steps.Errorf(steps.ClassStep, "write %s on %s: the file was replaced, but reading its metadata back failed: %s",
			req.Path, h.info.Name, strings.TrimSpace(string(r.stderr)))
	}
	if r.exitCode != 0 {
		return steps.WriteFileResult{}, steps.Errorf(steps.ClassStep, "write %s on %s: %s (exit status %d); the file was not changed",
			req.Path, h.info.Name, strings.TrimSpace(string(r.stderr)), r.exitCode)
	}
	return parseWrite(req.Path, want, r.stdout)
}

// maxLeftoversReported bounds how many removed leftovers one write reports.
const maxLeftoversReported = 20

func parseWrite(path, want string, out []byte) (steps.WriteFileResult, error) {
	var res steps.WriteFileResult
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if b, ok := strings.CutPrefix(line, "backup "); ok {
			res.BackupPath = b
		}
		if l, ok := strings.CutPrefix(line, "leftover "); ok && len(res.LeftoversRemoved) < maxLeftoversReported {
			res.LeftoversRemoved = append(res.LeftoversRemoved, l)
		}
		if s, ok := strings.CutPrefix(line, "sha256 "); ok {
			res.SHA256 = s
		}
		if s, ok := strings.CutPrefix(line, "stat "); ok {
			f, err := parseStat(path, s)
			if err != nil {
				return res, err
			}
			res.Mode, res.Owner, res.Group = f.Mode, f.Owner, f.Group
		}
	}
	if res.SHA256 != want {
		return res, steps.Errorf(steps.ClassStep, "write %s: after the rename the file has sha256 %q, want %s", path, res.SHA256, want)
	}
	return res, nil
}
