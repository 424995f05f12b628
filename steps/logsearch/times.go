package logsearch

import (
	"regexp"
	"time"
)

// stamp is a timestamp format found at (or near) the start of log lines.
type stamp struct {
	re      *regexp.Regexp
	layouts []string
	// yearless: syslog's "Dec  5 09:00:00" has no year; the host's year
	// is assumed, or the year before when that would be in the future.
	yearless bool
}

// stamps are tried in order on the first 64 bytes of a line.
var stamps = []stamp{
	// ISO 8601 / RFC 3339, journalctl -o short-iso(-precise), nginx's "2026/12/05 09:00:00".
	{re: regexp.MustCompile(`^\[?(\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)`),
		layouts: []string{"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05.999999999"}},
	// syslog: "Dec  5 09:00:00".
	{re: regexp.MustCompile(`^([A-Z][a-z]{2} [ 0-9]\d \d{2}:\d{2}:\d{2})`), layouts: []string{"Jan _2 15:04:05"}, yearless: true},
	// common log format: `... [05/Dec/2026:09:00:00 +0000] ...`.
	{re: regexp.MustCompile(`\[(\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\]`), layouts: []string{"02/Jan/2006:15:04:05 -0700"}},
}

// lineTime finds a line's timestamp and the rest of the line after it.
// Times without a zone are read as UTC. ok is false when there is none.
func lineTime(line string, now time.Time) (t time.Time, rest string, ok bool) {
	head := line
	if len(head) > 64 {
		head = head[:64]
	}
	for _, s := range stamps {
		m := s.re.FindStringSubmatchIndex(head)
		if m == nil {
			continue
		}
		text := normalise(head[m[2]:m[3]])
		for _, layout := range s.layouts {
			t, err := time.Parse(layout, text)
			if err != nil {
				continue
			}
			if s.yearless {
				t = t.AddDate(now.Year(), 0, 0)
				if t.After(now.Add(24 * time.Hour)) {
					t = t.AddDate(-1, 0, 0)
				}
			}
			return t.UTC(), line[:m[0]] + line[m[1]:], true
		}
	}
	return time.Time{}, line, false
}

// normalise turns "2026/12/05 09:00:00,123" into "2026-12-05T09:00:00.123".
func normalise(s string) string {
	b := []byte(s)
	slashes := len(b) > 10 && b[4] == '/'
	for i, c := range b {
		switch {
		case i < 10 && c == '/' && slashes:
			b[i] = '-'
		case i == 10 && c == ' ':
			b[i] = 'T'
		case i == 19 && c == ',':
			b[i] = '.'
		}
	}
	return string(b)
}
