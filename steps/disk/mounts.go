package disk

import (
	"bytes"
	"context"
	"strconv"
	"strings"

	"github.com/mend-sh/mend/internal/hostscript"
	"github.com/mend-sh/mend/steps"
)

// mountsScript prints the host's mount table, a marker line, then df's
// figures for the mount holding the path on stdin (every mount when the
// line is empty). mountinfo lines start with a digit, so the marker
// cannot be mistaken for one.
const mountsScript = `IFS= read -r p || exit 90
export LC_ALL=C
head -n 4000 /proc/self/mountinfo
echo mend-df
cols=source,fstype,itotal,iused,iavail,size,used,avail,target
if [ -n "$p" ]; then
  exec timeout 15 df -B1 --output="$cols" -- "$p"
fi
exec timeout 15 df -B1 --output="$cols"`

// mount is one mounted filesystem as df and mountinfo describe it.
type mount struct {
	Mount, Device, FSType string
	ReadOnly              bool
	// Dev is mountinfo's "major:minor", to place deleted files.
	Dev                            string
	Size, Used, Free               int64
	Inodes, InodesUsed, InodesFree int64
}

// usedPercent is df's Use%: used / (used + available), rounded up.
func (m mount) usedPercent() int64 { return percent(m.Used, m.Free) }

// inodesUsedPercent is df's IUse%.
func (m mount) inodesUsedPercent() int64 { return percent(m.InodesUsed, m.InodesFree) }

func percent(used, free int64) int64 {
	if used+free <= 0 {
		return 0
	}
	return (used*100 + used + free - 1) / (used + free)
}

// readMounts runs mountsScript for path ("" for all mounts).
func readMounts(ctx context.Context, host steps.Host, path string) ([]mount, []string, error) {
	r, err := hostscript.Run(ctx, host, mountsScript, path)
	if err != nil {
		return nil, nil, err
	}
	info, dfOut, ok := bytes.Cut(r.Stdout, []byte("\nmend-df\n"))
	if !ok {
		return nil, nil, r.Failed("reading the mount table")
	}
	mounts, notes := parseDF(dfOut, parseMountinfo(info))
	if len(mounts) == 0 {
		return nil, nil, r.Failed("df")
	}
	if r.ExitCode != 0 {
		notes = append(notes, "df: exit "+strconv.Itoa(r.ExitCode)+": "+hostscript.LastLine(r.Stderr, 200))
	}
	return mounts, notes, nil
}

// mountOpts is what mountinfo adds to df: read-only flag and device.
type mountOpts struct {
	readOnly bool
	dev      string
}

// parseMountinfo reads /proc/self/mountinfo lines into mount point ->
// options. A later line for the same mount point (a mount on top) wins.
func parseMountinfo(b []byte) map[string]mountOpts {
	out := map[string]mountOpts{}
	lines, _ := hostscript.Lines(b, 4000)
	for _, line := range lines {
		f := strings.Fields(string(line))
		if len(f) < 6 {
			continue
		}
		opts := strings.Split(f[5], ",")
		out[unescapeMount(f[4])] = mountOpts{readOnly: len(opts) > 0 && opts[0] == "ro", dev: f[2]}
	}
	return out
}

// unescapeMount undoes the kernel's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// parseDF reads df's output (a header line, then one line per mount;
// the mount point is the rest of the line) and joins mountinfo's flags.
// Lines that do not parse are skipped and counted in a note.
func parseDF(b []byte, info map[string]mountOpts) ([]mount, []string) {
	lines, more := hostscript.Lines(b, maxMounts+1)
	var out []mount
	bad := 0
	for i, line := range lines {
		if i == 0 {
			continue // header
		}
		m, ok := parseDFLine(line)
		if !ok {
			bad++
			continue
		}
		o := info[m.Mount]
		m.ReadOnly, m.Dev = o.readOnly, o.dev
		out = append(out, m)
	}
	var notes []string
	if bad > 0 {
		notes = append(notes, strconv.Itoa(bad)+" df lines did not parse and were skipped")
	}
	if more {
		notes = append(notes, "more than "+strconv.Itoa(maxMounts)+" mounts: the rest were not read")
	}
	return out, notes
}

func parseDFLine(line []byte) (mount, bool) {
	f := hostscript.Fields(line, 9)
	if len(f) != 9 {
		return mount{}, false
	}
	nums := make([]int64, 6)
	for i := range nums {
		s := string(f[2+i])
		if s == "-" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return mount{}, false
		}
		nums[i] = n
	}
	return mount{
		Device: hostscript.Text(f[0], 256), FSType: hostscript.Text(f[1], 64), Mount: hostscript.Text(f[8], 4096),
		Inodes: nums[0], InodesUsed: nums[1], InodesFree: nums[2], Size: nums[3], Used: nums[4], Free: nums[5],
	}, true
}
