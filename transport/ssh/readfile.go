package ssh

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/mend-sh/mend/internal/shell"
	"github.com/mend-sh/mend/steps"
)

// maxReadFile is the largest file ReadFile returns (64 MiB); the remote
// side stops reading one byte past it.
const maxReadFile = 64 << 20

// readScript prints "absent", or "present <octal mode> <uid> <gid> <user>
// <group>" followed by at most max+1 bytes of the file. $p and $max are
// set before it. A path that does not exist is only reported absent when
// the directories leading to it could be searched: a directory the login
// user may not search hides its files, and that is a permission error
// (exit 5), not "absent". Anything but a regular file (after following
// symlinks) is refused (exit 3): a FIFO or device would block or stream
// forever.
const readScript = readChecks + `m=$(stat -L -c '%a %u %g %U %G' -- "$p") || exit 4
printf 'present %s\n' "$m"
exec head -c $((max+1)) -- "$p"
`

// readChecks reports an absent file, or refuses what is not a regular
// file, for readScript and digestScript.
const readChecks = `
if [ ! -e "$p" ]; then
  d=$p; i=0
  while [ $i -lt 256 ]; do
    d=$(dirname -- "$d"); i=$((i+1))
    if [ -e "$d" ]; then
      if [ -d "$d" ] && [ ! -x "$d" ]; then
        echo "permission denied: cannot search directory $d, so cannot tell whether $p exists" >&2; exit 5
      fi
      break
    fi
  done
  echo absent; exit 0
fi
if [ -d "$p" ]; then echo "$p is not a regular file (directory)" >&2; exit 3; fi
if [ ! -f "$p" ]; then echo "$p is not a regular file ($(stat -L -c %F -- "$p" 2>/dev/null))" >&2; exit 3; fi
`

// digestScript is readScript for a file of at most $n bytes; for a larger
// one it prints "digest <octal mode> <uid> <gid> <user> <group> <size>
// <sha256>" and the first $n bytes: three programs (stat, sha256sum,
// head), and the content is read on the host but not sent.
const digestScript = readChecks + `m=$(stat -L -c '%a %u %g %U %G %s' -- "$p") || exit 4
if [ "${m##* }" -le "$n" ]; then printf 'present %s\n' "${m% *}"; exec head -c $((max+1)) -- "$p"; fi
s=$(sha256sum < "$p") || exit 4
printf 'digest %s %s\n' "$m" "${s%% *}"
exec head -c "$n" -- "$p"
`

// ReadFile reads path in one command (through sudo on a sudo target): its
// permission bits (with setuid, setgid and sticky as fs.ModeSetuid,
// fs.ModeSetgid and fs.ModeSticky), owner, group and content. Owner and
// group are names, or decimal ids where the host has no name for them. A
// missing file is not an error; File.Exists is false. A file in a
// directory the login user cannot search is a permission error, not
// missing. A directory, FIFO, device or socket is an error, as is a file
// over 64 MiB (the host stops reading just past that).
func (h *Host) ReadFile(ctx context.Context, path string) (steps.File, error) {
	out, err := h.read(ctx, path, fmt.Sprintf("p=%s max=%d\n", shell.Quote(path), maxReadFile)+readScript, 0)
	if err != nil {
		return steps.File{}, err
	}
	return parseRead(path, out)
}

// ReadFileDigest is ReadFile for a file of at most head bytes (the digest
// is computed here); of a larger one the host sends its metadata, size,
// sha256 and first head bytes, in the same one command.
func (h *Host) ReadFileDigest(ctx context.Context, path string, head int) (steps.FileDigest, error) {
	out, err := h.read(ctx, path, fmt.Sprintf("p=%s max=%d n=%d\n", shell.Quote(path), maxReadFile, max(head, 0))+digestScript, head+512)
	if err != nil {
		return steps.FileDigest{}, err
	}
	if bytes.HasPrefix(out, []byte("digest ")) {
		return parseDigest(path, out)
	}
	f, err := parseRead(path, out)
	return steps.DigestOf(f), err
}

// read runs a read script and checks its exit status and size.
func (h *Host) read(ctx context.Context, path, command string, size int) ([]byte, error) {
	if path == "" {
		return nil, steps.Errorf(steps.ClassConfig, "read file: empty path")
	}
	r, err := h.run(ctx, runRequest{op: "read " + path, command: command, sudo: h.sudo, maxStdout: maxReadFile + 1 + 4096, stdoutSize: size})
	if err != nil {
		return nil, err
	}
	if r.exitCode != 0 {
		return nil, steps.Errorf(steps.ClassStep, "read %s on %s: %s (exit status %d)",
			path, h.info.Name, strings.TrimSpace(string(r.stderr)), r.exitCode)
	}
	if _, content, _ := bytes.Cut(r.stdout, []byte("\n")); r.truncated || len(content) > maxReadFile {
		return nil, steps.Errorf(steps.ClassStep, "read %s on %s: file is larger than %d MiB", path, h.info.Name, maxReadFile>>20)
	}
	return r.stdout, nil
}

// parseDigest decodes digestScript's reply for a large file.
func parseDigest(path string, out []byte) (steps.FileDigest, error) {
	head, content, _ := bytes.Cut(out, []byte("\n"))
	fields := strings.Fields(string(head))
	if len(fields) != 8 || len(fields[7]) != 64 {
		return steps.FileDigest{}, steps.Errorf(steps.ClassInternal, "read %s: unexpected reply %q", path, head)
	}
	size, err := strconv.ParseInt(fields[6], 10, 64)
	if err != nil || size < int64(len(content)) {
		return steps.FileDigest{}, steps.Errorf(steps.ClassInternal, "read %s: unexpected size %q", path, fields[6])
	}
	f, err := parseStat(path, strings.Join(fields[1:6], " "))
	f.Content = content
	return steps.FileDigest{File: f, Size: size, SHA256: fields[7]}, err
}

// parseRead decodes readScript's reply.
func parseRead(path string, out []byte) (steps.File, error) {
	head, content, ok := bytes.Cut(out, []byte("\n"))
	fields := strings.Fields(string(head))
	if string(head) == "absent" {
		return steps.File{Path: path}, nil
	}
	if !ok || len(fields) != 6 || fields[0] != "present" {
		return steps.File{}, steps.Errorf(steps.ClassInternal, "read %s: unexpected reply %q", path, head)
	}
	f, err := parseStat(path, strings.Join(fields[1:], " "))
	f.Content = content
	return f, err
}

// parseStat decodes "<octal mode> <uid> <gid> <user> <group>" (stat -c
// '%a %u %g %U %G') into an existing File without content.
func parseStat(path, s string) (steps.File, error) {
	fields := strings.Fields(s)
	if len(fields) != 5 {
		return steps.File{}, steps.Errorf(steps.ClassInternal, "read %s: unexpected stat %q", path, s)
	}
	mode, err := strconv.ParseUint(fields[0], 8, 32)
	if err != nil || mode > 0o7777 {
		return steps.File{}, steps.Errorf(steps.ClassInternal, "read %s: unexpected mode %q", path, fields[0])
	}
	return steps.File{
		Path: path, Exists: true, Mode: fileMode(uint32(mode)),
		Owner: nameOrID(fields[3], fields[1]), Group: nameOrID(fields[4], fields[2]),
	}, nil
}

// nameOrID is the user or group name stat printed, or the decimal id when
// the host has no name for it (GNU stat prints UNKNOWN then).
func nameOrID(name, id string) string {
	if name == "UNKNOWN" {
		return id
	}
	return name
}
