package process

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/mend-sh/mend/internal/hostscript"
	"github.com/mend-sh/mend/steps"
)

// describeScript reads the pids on stdin (one line, space-separated
// digits) and prints the clock it needs (uptime, boot time, clock ticks)
// and, per pid, its owner, resident set (kB), open descriptor count (-1
// when not readable) and /proc/PID/stat line.
const describeScript = `IFS= read -r pids || exit 90
export LC_ALL=C
read -r up _ < /proc/uptime
btime=$(sed -n 's/^btime //p' /proc/stat)
printf 'mend-clock %s %s %s\n' "$up" "$btime" "$(getconf CLK_TCK)"
for p in $pids; do
  case $p in *[!0-9]*) continue ;; esac
  IFS= read -r st < "/proc/$p/stat" 2>/dev/null || continue
  owner=$(stat -c %U "/proc/$p" 2>/dev/null)
  rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$p/status" 2>/dev/null)
  if [ -r "/proc/$p/fd" ] && [ -x "/proc/$p/fd" ]; then fds=$(ls -A "/proc/$p/fd" 2>/dev/null | wc -l); else fds=-1; fi
  printf 'mend-pid\t%s\t%s\t%s\t%s\t%s\n' "$p" "$owner" "${rss:-0}" "$fds" "$st"
done`

// proc is one described process.
type proc struct {
	listed
	user     string
	state    string
	start    time.Time
	uptime   time.Duration
	rssBytes int64
	fds      int64
}

// describe reads details of the given processes; one that exited in
// between is left out.
func describe(ctx context.Context, host steps.Host, ps []listed) ([]proc, error) {
	pids := make([]string, len(ps))
	for i, p := range ps {
		pids[i] = strconv.FormatInt(p.pid, 10)
	}
	r, err := hostscript.Run(ctx, host, describeScript, strings.Join(pids, " "))
	if err != nil {
		return nil, err
	}
	if r.ExitCode != 0 {
		return nil, r.Failed("reading /proc")
	}
	return parseDescribe(r.Stdout, ps)
}

func parseDescribe(b []byte, ps []listed) ([]proc, error) {
	lines, _ := hostscript.Lines(b, len(ps)+1)
	if len(lines) == 0 || !bytes.HasPrefix(lines[0], []byte("mend-clock ")) {
		return nil, steps.Errorf(steps.ClassStep, "reading /proc: no clock line in %q", hostscript.Text(b, 80))
	}
	clock := strings.Fields(string(lines[0]))
	up, err1 := strconv.ParseFloat(at(clock, 1), 64)
	btime, err2 := strconv.ParseInt(at(clock, 2), 10, 64)
	tck, err3 := strconv.ParseInt(at(clock, 3), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || tck <= 0 {
		return nil, steps.Errorf(steps.ClassStep, "reading /proc: unreadable clock line %q", hostscript.Text(lines[0], 80))
	}
	byPID := map[int64]listed{}
	for _, p := range ps {
		byPID[p.pid] = p
	}
	var out []proc
	for _, line := range lines[1:] {
		f := strings.SplitN(string(line), "\t", 6)
		if len(f) != 6 || f[0] != "mend-pid" {
			continue
		}
		pid, _ := strconv.ParseInt(f[1], 10, 64)
		l, ok := byPID[pid]
		st, ok2 := parseStat(f[5])
		if !ok || !ok2 {
			continue
		}
		rss, _ := strconv.ParseInt(f[3], 10, 64)
		fds, err := strconv.ParseInt(f[4], 10, 64)
		if err != nil {
			fds = -1
		}
		startSecs := float64(st.startTicks) / float64(tck)
		out = append(out, proc{listed: l, user: hostscript.Text([]byte(f[2]), 64), state: st.state,
			start:    time.Unix(btime, 0).Add(time.Duration(startSecs * float64(time.Second))).UTC().Truncate(time.Second),
			uptime:   time.Duration(max(up-startSecs, 0) * float64(time.Second)).Truncate(time.Second),
			rssBytes: rss * 1024, fds: fds})
	}
	return out, nil
}

func at(f []string, i int) string {
	if i < len(f) {
		return f[i]
	}
	return ""
}

// stat is what the step needs of /proc/PID/stat.
type stat struct {
	state      string
	startTicks int64
}

// parseStat reads a /proc/PID/stat line. The name in field 2 may hold
// spaces and parentheses, so fields are counted after the last ")".
func parseStat(line string) (stat, bool) {
	i := strings.LastIndexByte(line, ')')
	if i < 0 {
		return stat{}, false
	}
	f := strings.Fields(line[i+1:])
	if len(f) < 20 {
		return stat{}, false
	}
	start, err := strconv.ParseInt(f[19], 10, 64)
	if err != nil || len(f[0]) != 1 {
		return stat{}, false
	}
	return stat{state: f[0], startTicks: start}, true
}
