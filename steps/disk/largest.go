package disk

import (
	"context"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/mend-sh/mend/internal/hostscript"
	"github.com/mend-sh/mend/steps"
)

// largestScript sums disk usage (find's %b, 512-byte blocks, as du
// counts) under the directory on stdin, on its filesystem only (-xdev),
// per path prefix down to a depth, and prints the biggest prefixes. The
// scan is bounded three ways: find is killed after a time, head stops it
// after a number of entries, and only the top lines are printed. A
// "mend-scan TOTAL ENTRIES ENDED RC BAD" line tells how it went: ENDED 0
// means the entry limit cut it, RC 137 the time limit.
const largestScript = `IFS= read -r p || exit 90
export LC_ALL=C
[ -d "$p" ] || { echo "not a directory" >&2; exit 3; }
{ timeout -s KILL %d find "$p" -xdev -mindepth 1 -printf '%%b %%y %%P\n' 2>/dev/null; echo "mend-end $?"; } |
head -n %d |
awk -v depth=%d -v top=%d '
$1 == "mend-end" { ended = 1; rc = $2; next }
$1 !~ /^[0-9]+$/ || NF < 3 { bad++; next }
{
  n++; sz = $1 * 512; total += sz
  rel = substr($0, length($1) + length($2) + 3)
  k = split(rel, parts, "/")
  pre = ""
  for (i = 1; i <= k && i <= depth; i++) {
    pre = (i == 1) ? parts[i] : pre "/" parts[i]
    size[pre] += sz
    kind[pre] = (i == k) ? $2 : "d"
  }
}
END {
  printf "mend-scan %%.0f %%d %%d %%d %%d\n", total, n, ended, rc + 0, bad + 0
  cmd = "sort -rn | head -n " top
  for (q in size) printf "%%.0f %%s %%s\n", size[q], kind[q], q | cmd
  close(cmd)
}'`

// entry is one path under the scanned directory and the disk space it
// and everything below it use.
type entry struct {
	Path  string
	Bytes int64
	Dir   bool
}

// scan is the result of a largest scan.
type scan struct {
	Entries  []entry
	Total    int64 // bytes under the directory that the scan saw
	Seen     int   // entries read
	Complete bool
	Note     string // why it is not complete, or what it could not read
}

// scanLargest runs largestScript for s.largest.
func scanLargest(ctx context.Context, host steps.Host, s settings) (scan, error) {
	secs := int((s.scanTimeout + time.Second - 1) / time.Second)
	script := fmt.Sprintf(largestScript, secs, s.maxEntries+1, s.depth, s.top)
	r, err := hostscript.Run(ctx, host, script, s.largest)
	if err != nil {
		return scan{}, err
	}
	if r.ExitCode != 0 {
		return scan{}, r.Failed("scanning " + s.largest)
	}
	return parseScan(r.Stdout, s)
}

// parseScan reads largestScript's output.
func parseScan(b []byte, s settings) (scan, error) {
	lines, _ := hostscript.Lines(b, maxTop+2)
	var sc scan
	var rc, ended, bad int64
	found := false
	for _, line := range lines {
		if rest, ok := strings.CutPrefix(string(line), "mend-scan "); ok {
			n, err := numbers(rest, 5)
			if err != nil {
				return scan{}, steps.Errorf(steps.ClassStep, "scanning %s: unreadable summary line %q", s.largest, hostscript.Text(line, 100))
			}
			sc.Total, sc.Seen, ended, rc, bad = n[0], int(n[1]), n[2], n[3], n[4]
			found = true
			continue
		}
		f := hostscript.Fields(line, 3)
		if len(f) != 3 || len(sc.Entries) == s.top {
			continue
		}
		size, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil || size < 0 {
			continue
		}
		sc.Entries = append(sc.Entries, entry{Path: path.Join(s.largest, hostscript.Text(f[2], 4096)), Bytes: size, Dir: string(f[1]) == "d"})
	}
	if !found {
		return scan{}, steps.Errorf(steps.ClassStep, "scanning %s: no summary line (the scan was cut off)", s.largest)
	}
	sc.Complete, sc.Note = verdict(ended, rc, bad, s)
	return sc, nil
}

// verdict says whether a scan saw everything, and if not why.
func verdict(ended, rc, bad int64, s settings) (bool, string) {
	switch {
	case ended == 0:
		return false, fmt.Sprintf("cut short at the entry limit (max_entries = %d): sizes are lower bounds", s.maxEntries)
	case rc == 137 || rc == 124:
		return false, fmt.Sprintf("cut short at the time limit (scan_timeout = %s): sizes are lower bounds", s.scanTimeout)
	case rc != 0 || bad != 0:
		return true, "some entries could not be read (permission denied, or names with newlines): their sizes are missing"
	}
	return true, ""
}

// numbers parses n space-separated integers.
func numbers(s string, n int) ([]int64, error) {
	f := strings.Fields(s)
	if len(f) != n {
		return nil, fmt.Errorf("want %d numbers, got %d", n, len(f))
	}
	out := make([]int64, n)
	for i, x := range f {
		v, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}
