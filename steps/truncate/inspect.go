package truncate

import (
	"context"
	"strconv"
	"strings"

	"github.com/mend-sh/mend/internal/hostscript"
	"github.com/mend-sh/mend/steps"
)

// inspectScript describes the file on stdin, read-only: its real path
// (symlinks resolved; "|end" shows the line was not cut by a newline in
// a name), size, link count, inode and type, and the processes holding
// it open (bounded in time and count).
const inspectScript = `IFS= read -r p || exit 90
export LC_ALL=C
[ -e "$p" ] || { echo mend-missing; exit 0; }
r=$(readlink -f -- "$p") || exit 3
printf 'mend-real %s|end\n' "$r"
stat -L -c 'mend-stat %s %h %i %F' -- "$p" || exit 3
timeout -s KILL 20 find -L /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 -samefile "$r" -printf '%h\n' 2>/dev/null | head -n 100 |
while IFS= read -r d; do
  pid=${d#/proc/}; pid=${pid%/fd}
  IFS= read -r c < "/proc/$pid/comm" 2>/dev/null
  printf 'mend-holder %s %s\n' "$pid" "$c"
done`

// target is the file as the host describes it.
type target struct {
	exists  bool
	real    string
	size    int64
	links   int64
	inode   int64
	kind    string
	holders []holder
}

type holder struct {
	pid     int64
	process string
}

// inspect runs inspectScript and refuses what must not be truncated:
// a real path outside the prefixes or cut short, or not a regular file.
func inspect(ctx context.Context, host steps.Host, c *Config) (target, error) {
	r, err := hostscript.Run(ctx, host, inspectScript, c.Path)
	if err != nil {
		return target{}, err
	}
	if r.ExitCode != 0 {
		return target{}, r.Failed("file_truncate: reading " + c.Path)
	}
	t := parseInspect(r.Stdout)
	switch {
	case !t.exists:
		return t, nil
	case t.real == "":
		return t, steps.Errorf(steps.ClassStep, "file_truncate: could not resolve %s to a path mend can check (a name holding a newline?); refusing", c.Path)
	case !under(t.real, c.AllowedPrefixes):
		return t, steps.Errorf(steps.ClassStep, "file_truncate: %s resolves to %s, outside allowed_prefixes %q; refusing", c.Path, t.real, c.AllowedPrefixes)
	case t.kind != "regular file" && t.kind != "regular empty file":
		return t, steps.Errorf(steps.ClassStep, "file_truncate: %s is a %s, not a regular file; refusing", t.real, t.kind)
	}
	return t, nil
}

func parseInspect(b []byte) target {
	var t target
	lines, _ := hostscript.Lines(b, 110)
	for _, line := range lines {
		l := string(line)
		switch {
		case l == "mend-missing":
			return target{}
		case strings.HasPrefix(l, "mend-real "):
			if p, ok := strings.CutSuffix(l[len("mend-real "):], "|end"); ok && strings.HasPrefix(p, "/") {
				t.real = p
			}
			t.exists = true
		case strings.HasPrefix(l, "mend-stat "):
			f := hostscript.Fields([]byte(l), 5)
			if len(f) == 5 {
				t.size, _ = strconv.ParseInt(string(f[1]), 10, 64)
				t.links, _ = strconv.ParseInt(string(f[2]), 10, 64)
				t.inode, _ = strconv.ParseInt(string(f[3]), 10, 64)
				t.kind = string(f[4])
			}
		case strings.HasPrefix(l, "mend-holder "):
			f := hostscript.Fields([]byte(l), 3)
			if len(f) >= 2 {
				pid, err := strconv.ParseInt(string(f[1]), 10, 64)
				if err == nil {
					h := holder{pid: pid}
					if len(f) == 3 {
						h.process = hostscript.Text(f[2], 64)
					}
					t.holders = append(t.holders, h)
				}
			}
		}
	}
	return t
}
