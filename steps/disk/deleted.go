package disk

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/mend-sh/mend/internal/hostscript"
	"github.com/mend-sh/mend/steps"
)

// deletedScript lists open descriptors whose file has no name left
// (link count 0: deleted while open), with the holder's pid and command
// name. Following /proc/PID/fd/N (find -L) stats the open file itself.
// Bounded in time (find is killed) and count (head).
const deletedScript = `export LC_ALL=C
timeout -s KILL 20 find -L /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 -type f -links 0 -printf '%%s %%D %%i %%p\n' 2>/dev/null |
head -n %d |
while read -r size dev ino fd; do
  pid=${fd#/proc/}; pid=${pid%%%%/*}
  comm=$(tr -d '\t\n' < "/proc/$pid/comm" 2>/dev/null)
  link=$(readlink "$fd" 2>/dev/null)
  printf '%%s\t%%s\t%%s\t%%s\t%%s\t%%s\t%%s\n' "$pid" "${fd##*/}" "$size" "$dev" "$ino" "$comm" "$link"
done`

// deletedFile is one descriptor holding a deleted file.
type deletedFile struct {
	PID     int64
	FD      int64
	Process string
	Path    string // the name it had, without " (deleted)"
	Size    int64
	Dev     string // "major:minor" of its filesystem
	Inode   int64
	Mount   string // the mount point of Dev, when known
}

// readDeleted runs deletedScript. limit is how many descriptors to list.
func readDeleted(ctx context.Context, host steps.Host, limit int) ([]deletedFile, bool, error) {
	r, err := hostscript.Run(ctx, host, fmt.Sprintf(deletedScript, limit+1))
	if err != nil {
		return nil, false, err
	}
	if r.ExitCode != 0 {
		return nil, false, r.Failed("listing deleted open files")
	}
	files, more := parseDeleted(r.Stdout, limit)
	return files, more, nil
}

// parseDeleted reads deletedScript's lines, skipping any that do not
// parse (a name with a newline), descriptors closed in between, and
// memfd objects (never on a disk).
func parseDeleted(b []byte, limit int) ([]deletedFile, bool) {
	lines, _ := hostscript.Lines(b, limit+1)
	var out []deletedFile
	for _, line := range lines {
		f := strings.SplitN(string(line), "\t", 7)
		if len(f) != 7 {
			continue
		}
		var n [5]int64
		ok := true
		for i, j := range []int{0, 1, 2, 3, 4} {
			v, err := strconv.ParseInt(f[j], 10, 64)
			if err != nil || v < 0 {
				ok = false
				break
			}
			n[i] = v
		}
		// An empty name: the descriptor was closed between the scan and
		// readlink (it is no longer held).
		name := strings.TrimSuffix(f[6], " (deleted)")
		if !ok || name == "" || strings.HasPrefix(name, "/memfd:") {
			continue
		}
		if len(out) == limit {
			return out, true
		}
		out = append(out, deletedFile{PID: n[0], FD: n[1], Size: n[2], Dev: devString(uint64(n[3])), Inode: n[4],
			Process: hostscript.Text([]byte(f[5]), 64), Path: hostscript.Text([]byte(name), 4096)})
	}
	return out, false
}

// devString is a Linux dev_t as mountinfo writes it: "major:minor".
func devString(dev uint64) string {
	major := (dev>>8)&0xfff | (dev>>32)&^uint64(0xfff)
	minor := dev&0xff | (dev>>12)&^uint64(0xff)
	return fmt.Sprintf("%d:%d", major, minor)
}

// heldBytes is the space the deleted files hold, each file once even
// when several descriptors or processes hold it.
func heldBytes(files []deletedFile) int64 {
	seen := map[string]bool{}
	var total int64
	for _, f := range files {
		k := f.Dev + "/" + strconv.FormatInt(f.Inode, 10)
		if !seen[k] {
			seen[k] = true
			total += f.Size
		}
	}
	return total
}
