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
const readScript = `
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
m=$(stat -L -c '%a %u %g %U %G' -- "$p") || exit 4
printf 'present %s\n' "$m"
exec head -c $((max+1)) -- "$p"
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
	if path == "" {
		return steps.File{}, steps.Errorf(steps.ClassConfig, "read file: empty path")
	}
	command := fmt.Sprintf("p=%s max=%d\n", shell.Quote(path), maxReadFile) + readScript
	r, err := h.run(ctx, runRequest{op: "read " + path, command: command, sudo: h.sudo, maxStdout: maxReadFile + 1 + 4096})
	if err != nil {
		return steps.File{}, err
	}
	if r.exitCode != 0 {
		return steps.File{}, steps.Errorf(steps.ClassStep, "read %s on %s: %s (exit status %d)",
			path, h.info.Name, strings.TrimSpace(string(r.stderr)), r.exitCode)
	}
	f, err := parseRead(path, r.stdout)
	if err == nil && (r.truncated || len(f.Content) > maxReadFile) {
		return steps.File{}, steps.Errorf(steps.ClassStep, "read %s on %s: file is larger than %d MiB", path, h.info.Name, maxReadFile>>20)
	}
	return f, err
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
