package logsearch

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// match is one matching line and its time, if it has one.
type match struct {
	line string
	at   time.Time
	rest string // the line without its timestamp
}

// analysis is what the step reports.
type analysis struct {
	count     int64
	notes     []string
	first     match
	last      match
	perMinute []minute
	rate      float64
	top       []message
}

type minute struct {
	at    time.Time
	count int
}

type message struct {
	text  string
	count int
}

// maxMessages bounds the distinct masked messages counted.
const maxMessages = 10000

// perMinuteShown is how many minutes (the latest) per_minute keeps.
const perMinuteShown = 60

// analyse turns a search's raw output into counts. In a file the window
// (since, until) is applied here, to lines with a timestamp.
func analyse(r raw, s search, fileMode bool) analysis {
	now := time.Unix(r.now, 0).UTC()
	inWindow := func(m match) bool {
		if !fileMode || m.at.IsZero() {
			return true
		}
		if s.since.set && m.at.Before(s.since.time(now)) {
			return false
		}
		return !s.until.set || !m.at.After(s.until.time(now))
	}
	var a analysis
	var kept []match
	for _, l := range r.lines {
		if m := parseMatch(l, now); inWindow(m) {
			kept = append(kept, m)
		}
	}
	a.count = int64(len(kept))
	// The host counts every match but sends only the last keptLines: the
	// ones it did not send are older than all it sent. They are outside
	// the window when the oldest one sent already is; otherwise they count.
	unseen := r.count - int64(len(r.lines))
	if unseen > 0 {
		oldest := parseMatch(r.lines[0], now)
		if inWindow(oldest) {
			a.count += unseen
			if first := parseMatch(r.first, now); inWindow(first) {
				a.first = first
			}
		}
		a.notes = append(a.notes, fmt.Sprintf("per minute and top messages are computed over the last %d of %d matches", len(r.lines), r.count))
	}
	if len(kept) > 0 {
		if a.first.line == "" {
			a.first = kept[0]
		}
		a.last = kept[len(kept)-1]
	}
	a.perMinute, a.rate = perMinute(kept)
	a.top = topMessages(kept, s.top)
	return a
}

func parseMatch(line string, now time.Time) match {
	t, rest, _ := lineTime(line, now)
	return match{line: line, at: t, rest: rest}
}

// perMinute counts timestamped matches per minute (the latest
// perMinuteShown minutes) and the rate over the span they cover.
func perMinute(ms []match) ([]minute, float64) {
	counts := map[time.Time]int{}
	var lo, hi time.Time
	n := 0
	for _, m := range ms {
		if m.at.IsZero() {
			continue
		}
		counts[m.at.Truncate(time.Minute)]++
		if lo.IsZero() || m.at.Before(lo) {
			lo = m.at
		}
		if m.at.After(hi) {
			hi = m.at
		}
		n++
	}
	var out []minute
	for at, c := range counts {
		out = append(out, minute{at, c})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	if len(out) > perMinuteShown {
		out = out[len(out)-perMinuteShown:]
	}
	if n == 0 {
		return out, 0
	}
	span := hi.Sub(lo).Minutes()
	if span < 1 {
		span = 1
	}
	return out, float64(n) / span
}

var (
	hexRun = regexp.MustCompile(`0[xX][0-9a-fA-F]+|\b[0-9a-fA-F]*[0-9][0-9a-fA-F]*[a-fA-F][0-9a-fA-F]*\b|\b[0-9a-fA-F]*[a-fA-F][0-9a-fA-F]*[0-9][0-9a-fA-F]*\b`)
	number = regexp.MustCompile(`[0-9]+`)
	spaces = regexp.MustCompile(`\s+`)
)

// mask hides what varies between instances of one message: hex
// (0x1f, deadbeef12) and numbers, then squeezes spaces.
func mask(s string) string {
	s = hexRun.ReplaceAllString(s, "<hex>")
	s = number.ReplaceAllString(s, "<n>")
	return strings.TrimSpace(spaces.ReplaceAllString(s, " "))
}

// topMessages are the most frequent masked messages, ties by text.
func topMessages(ms []match, top int) []message {
	counts := map[string]int{}
	for _, m := range ms {
		k := mask(m.rest)
		if _, ok := counts[k]; !ok && len(counts) == maxMessages {
			k = "(other messages)"
		}
		counts[k]++
	}
	var out []message
	for k, c := range counts {
		out = append(out, message{k, c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].count != out[j].count {
			return out[i].count > out[j].count
		}
		return out[i].text < out[j].text
	})
	if len(out) > top {
		out = out[:top]
	}
	return out
}
