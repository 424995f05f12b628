package clock

import (
	"bytes"
	"context"
	"strings"

	"github.com/mend-sh/mend/internal/hostscript"
	"github.com/mend-sh/mend/steps"
)

// ntpScript asks chronyc, then timedatectl, what they know, each bounded
// in time and output; a tool that is absent is skipped.
const ntpScript = `export LC_ALL=C
if command -v chronyc >/dev/null 2>&1; then
  echo mend-chronyc
  timeout -s KILL 5 chronyc -c tracking 2>&1 | head -c 4000; echo
fi
if command -v timedatectl >/dev/null 2>&1; then
  echo mend-timedatectl
  timeout -s KILL 5 timedatectl show 2>&1 | head -c 4000; echo
fi
echo mend-end`

// NTP states.
const (
	NTPSynchronized   = "synchronized"
	NTPUnsynchronized = "unsynchronized"
	NTPUnknown        = "unknown"
)

// ntpState is what the host's time daemon says.
type ntpState struct {
	state  string // NTPSynchronized, NTPUnsynchronized or NTPUnknown
	source string // "chronyc", "timedatectl" or ""
	detail string // a line for humans
}

func readNTP(ctx context.Context, host steps.Host) (ntpState, error) {
	r, err := hostscript.Run(ctx, host, ntpScript)
	if err != nil {
		return ntpState{}, err
	}
	return parseNTP(r.Stdout), nil
}

// parseNTP takes the first tool that gave an answer; the reasons of the
// others go into detail.
func parseNTP(out []byte) ntpState {
	var why []string
	for _, part := range bytes.Split(out, []byte("mend-"))[1:] {
		name, body, _ := bytes.Cut(part, []byte("\n"))
		var st ntpState
		switch string(name) {
		case "chronyc":
			st = parseChrony(body)
		case "timedatectl":
			st = parseTimedatectl(body)
		default:
			continue
		}
		if st.state != NTPUnknown {
			return st
		}
		why = append(why, string(name)+": "+st.detail)
	}
	if len(why) == 0 {
		return ntpState{state: NTPUnknown, detail: "neither chronyc nor timedatectl is installed"}
	}
	return ntpState{state: NTPUnknown, detail: strings.Join(why, "; ")}
}

// parseChrony reads `chronyc -c tracking`: CSV whose 3rd field is the
// stratum, 5th the system clock's offset from NTP time (seconds), and
// 14th the leap status ("Normal", "Not synchronised").
func parseChrony(b []byte) ntpState {
	line := hostscript.FirstLine(b, 1000)
	f := strings.Split(line, ",")
	if len(f) < 14 {
		return ntpState{state: NTPUnknown, source: "chronyc", detail: line}
	}
	st := ntpState{state: NTPSynchronized, source: "chronyc",
		detail: "chronyc: reference " + f[1] + ", stratum " + f[2] + ", system time off by " + f[4] + " s, leap status " + f[13]}
	if f[13] == "Not synchronised" || f[2] == "0" {
		st.state = NTPUnsynchronized
	}
	return st
}

// parseTimedatectl reads `timedatectl show`'s KEY=VALUE lines.
func parseTimedatectl(b []byte) ntpState {
	kv := map[string]string{}
	lines, _ := hostscript.Lines(b, 100)
	for _, l := range lines {
		if k, v, ok := strings.Cut(string(l), "="); ok {
			kv[k] = v
		}
	}
	sync, ok := kv["NTPSynchronized"]
	if !ok {
		return ntpState{state: NTPUnknown, source: "timedatectl", detail: hostscript.FirstLine(b, 200)}
	}
	st := ntpState{state: NTPUnsynchronized, source: "timedatectl", detail: "timedatectl: NTP=" + kv["NTP"] + ", NTPSynchronized=" + sync}
	if sync == "yes" {
		st.state = NTPSynchronized
	}
	return st
}
