package logsearch

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/mend-sh/mend/internal/hostscript"
	"github.com/mend-sh/mend/steps"
)

// grepTail is the end of both search scripts: grep -E the stream for the
// pattern in $pat, cut lines, and print the first match, the last
// keptLines matches and the count. Data lines start with "| " so no log
// line can pass for a marker.
var grepTail = fmt.Sprintf(` | grep -a -E -e "$pat" | cut -b1-%d | awk -v n=%d '
NR == 1 { print "mend-first| " $0 }
{ buf[NR %%%% n] = $0 }
END { s = NR > n ? NR - n + 1 : 1; for (i = s; i <= NR; i++) print "| " buf[i %%%% n]; print "mend-count " NR }'`, lineBytes, keptLines)

// listScript prints the host's clock and, for the file on stdin and the
// files its glob (second line) matches, "mend-file MTIME SIZE PATH".
// The glob is expanded with IFS empty: names, never words.
const listScript = `IFS= read -r p || exit 90
IFS= read -r g || exit 90
export LC_ALL=C
echo "mend-now $(date +%s)"
IFS=
for f in "$p" $g; do
  [ -f "$f" ] || continue
  printf 'mend-file %s %s\n' "$(stat -c '%Y %s' -- "$f")" "$f"
done | head -n 1001`

// filesScript reads the pattern, then "BUDGET KIND PATH" lines, oldest
// file first: the last BUDGET bytes of a plain file, the first BUDGET
// bytes of a gzipped one.
var filesScript = `IFS= read -r pat || exit 90
export LC_ALL=C
echo "mend-now $(date +%%s)" >&2
{ timeout -s KILL %d sh -c 'while read -r budget kind f; do
  case $kind in
    gz) gzip -dc -- "$f" 2>/dev/null | head -c "$budget" ;;
    *) tail -c "$budget" -- "$f" 2>/dev/null ;;
  esac
  echo
done'; echo "mend-rc $?" >&2; }` + grepTail

// journalScript reads the pattern, journal file, unit, since and until
// (empty lines: not set) and searches journalctl's output: newest first
// so that head keeps the newest max_bytes, then turned back by tac.
var journalScript = `IFS= read -r pat || exit 90
IFS= read -r file; IFS= read -r unit; IFS= read -r since; IFS= read -r until
export LC_ALL=C
echo "mend-now $(date +%%s)" >&2
set -- --no-pager -q -o short-iso-precise
[ -n "$file" ] && set -- "$@" --file "$file"
[ -n "$unit" ] && set -- "$@" -u "$unit"
[ -n "$since" ] && set -- "$@" --since "$since"
[ -n "$until" ] && set -- "$@" --until "$until"
{ timeout -s KILL %d journalctl -r "$@"; echo "mend-rc $?" >&2; } | head -c %d | tac` + grepTail

// logFile is one file to read.
type logFile struct {
	path   string
	mtime  int64
	size   int64
	budget int64
}

// listFiles finds the file and its rotated siblings, oldest first, and
// gives each a share of maxBytes, newest first.
func listFiles(ctx context.Context, host steps.Host, s search) ([]logFile, bool, error) {
	r, err := hostscript.Run(ctx, host, listScript, s.path, s.glob)
	if err != nil {
		return nil, false, err
	}
	if r.ExitCode != 0 {
		return nil, false, r.Failed("listing " + s.path)
	}
	var files []logFile
	seen := map[string]bool{}
	lines, _ := hostscript.Lines(r.Stdout, 1002)
	for _, line := range lines {
		f := hostscript.Fields(line, 4)
		if len(f) != 4 || string(f[0]) != "mend-file" {
			continue
		}
		mtime, err1 := strconv.ParseInt(string(f[1]), 10, 64)
		size, err2 := strconv.ParseInt(string(f[2]), 10, 64)
		p := string(f[3])
		if err1 != nil || err2 != nil || seen[p] {
			continue
		}
		seen[p] = true
		files = append(files, logFile{path: p, mtime: mtime, size: size})
	}
	sort.SliceStable(files, func(i, j int) bool {
		if files[i].mtime != files[j].mtime {
			return files[i].mtime < files[j].mtime
		}
		return files[i].path > files[j].path // app.log.2 before app.log.1
	})
	return files, assignBudgets(files, s.maxBytes), nil
}

// assignBudgets shares max bytes out from the newest file back; a
// gzipped file may take ten times its size. It reports whether every
// plain file fits whole.
func assignBudgets(files []logFile, max int64) bool {
	whole := true
	left := max
	for i := len(files) - 1; i >= 0; i-- {
		want := files[i].size
		if gz(files[i].path) {
			want = files[i].size*10 + 4096
		}
		files[i].budget = min(want, left)
		if files[i].budget < files[i].size {
			whole = false
		}
		left -= files[i].budget
	}
	return whole
}

func gz(p string) bool { return path.Ext(p) == ".gz" }

// searchFiles runs filesScript over files (with a budget).
func searchFiles(ctx context.Context, host steps.Host, s search, files []logFile) (raw, error) {
	args := []string{s.pattern}
	for _, f := range files {
		if f.budget <= 0 {
			continue
		}
		kind := "plain"
		if gz(f.path) {
			kind = "gz"
		}
		args = append(args, fmt.Sprintf("%d %s %s", f.budget, kind, f.path))
	}
	return runSearch(ctx, host, fmt.Sprintf(filesScript, seconds(s)), args...)
}

// searchJournal runs journalScript.
func searchJournal(ctx context.Context, host steps.Host, s search) (raw, error) {
	return runSearch(ctx, host, fmt.Sprintf(journalScript, seconds(s), s.maxBytes),
		s.pattern, s.jfile, s.unit, s.since.journal(), s.until.journal())
}

func seconds(s search) int { return int((s.timeout.Seconds()) + 0.999) }

// raw is what a search script sent back.
type raw struct {
	first   string
	lines   []string
	count   int64
	now     int64
	rc      int64
	message string // the last line of stderr that is not a marker
}

func runSearch(ctx context.Context, host steps.Host, script string, args ...string) (raw, error) {
	r, err := hostscript.Run(ctx, host, script, args...)
	if err != nil {
		return raw{}, err
	}
	var out raw
	countSeen := false
	lines, _ := hostscript.Lines(r.Stdout, keptLines+2)
	for _, line := range lines {
		switch {
		case bytes.HasPrefix(line, []byte("| ")):
			out.lines = append(out.lines, hostscript.Text(line[2:], lineBytes))
		case bytes.HasPrefix(line, []byte("mend-first| ")):
			out.first = hostscript.Text(line[len("mend-first| "):], lineBytes)
		case bytes.HasPrefix(line, []byte("mend-count ")):
			out.count, err = strconv.ParseInt(string(line[len("mend-count "):]), 10, 64)
			countSeen = err == nil
		}
	}
	errLines, _ := hostscript.Lines(r.Stderr, 1000)
	for _, line := range errLines {
		l := string(line)
		switch {
		case strings.HasPrefix(l, "mend-now "):
			out.now, _ = strconv.ParseInt(l[len("mend-now "):], 10, 64)
		case strings.HasPrefix(l, "mend-rc "):
			out.rc, _ = strconv.ParseInt(l[len("mend-rc "):], 10, 64)
		case strings.TrimSpace(l) != "":
			out.message = hostscript.Text(line, 200)
		}
	}
	if r.ExitCode != 0 || !countSeen {
		return raw{}, r.Failed("searching")
	}
	if strings.HasPrefix(out.message, "grep:") {
		return raw{}, steps.Errorf(steps.ClassStep, "searching: %s", out.message)
	}
	return out, nil
}
