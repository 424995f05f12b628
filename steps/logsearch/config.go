package logsearch

import (
	"path"
	"regexp"
	"strconv"
	"time"

	"github.com/mend-sh/mend/steps"
)

// Config is the arguments of a `diagnose "log_search"` block: pattern,
// and either a file (path, rotated) or the journal (unit, journal_file).
type Config struct {
	// Pattern is a POSIX extended regular expression (grep -E).
	Pattern string `hcl:"pattern"`
	// Path is a log file.
	Path string `hcl:"path,optional"`
	// Rotated is a glob of the file's rotated siblings ("/var/log/app.log.*");
	// names ending in .gz are decompressed. They are read oldest first.
	Rotated string `hcl:"rotated,optional"`
	// Unit searches the journal of one systemd unit (journalctl -u).
	Unit string `hcl:"unit,optional"`
	// JournalFile reads this journal file (journalctl --file) instead of
	// the system journal.
	JournalFile string `hcl:"journal_file,optional"`
	// Since and Until bound the window: a duration back from the host's
	// now ("1h") or an RFC 3339 time. In files, lines without a timestamp
	// are kept.
	Since string `hcl:"since,optional"`
	Until string `hcl:"until,optional"`
	// Top is how many distinct messages are listed (default 5, at most 50).
	Top int `hcl:"top,optional"`
	// MaxBytes bounds the bytes read (default 64 MiB, at most 1 GiB).
	MaxBytes int `hcl:"max_bytes,optional"`
	// ScanTimeout bounds the search's time on the host (default "20s").
	ScanTimeout string `hcl:"scan_timeout,optional"`
}

const (
	defaultTop      = 5
	maxTop          = 50
	defaultMaxBytes = 64 << 20
	maxMaxBytes     = 1 << 30
	defaultScanTime = 20 * time.Second
	// keptLines is how many of the last matches the host sends back.
	keptLines = 10000
	// lineBytes is how much of each matching line is kept.
	lineBytes = 512
)

// search is a validated Config.
type search struct {
	pattern      string
	re           *regexp.Regexp
	path, glob   string
	unit, jfile  string
	since, until bound
	top          int
	maxBytes     int64
	timeout      time.Duration
}

// bound is a window edge: ago (a duration back from now) or at (a time).
type bound struct {
	ago time.Duration
	at  time.Time
	set bool
}

// time is the edge for a host whose clock reads now.
func (b bound) time(now time.Time) time.Time {
	if !b.at.IsZero() {
		return b.at
	}
	return now.Add(-b.ago)
}

// journal is the edge as journalctl --since/--until reads it.
func (b bound) journal() string {
	if !b.set {
		return ""
	}
	if !b.at.IsZero() {
		return "@" + strconv.FormatInt(b.at.Unix(), 10)
	}
	return "-" + strconv.FormatInt(int64(b.ago/time.Second), 10) + "s"
}

func parseBound(name, s string) (bound, error) {
	if s == "" {
		return bound{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return bound{ago: d, set: true}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return bound{at: t, set: true}, nil
	}
	return bound{}, steps.Errorf(steps.ClassConfig, "log_search: %s must be a duration back from now (\"1h\") or an RFC 3339 time (\"2026-12-05T09:00:00Z\"), got %q", name, s)
}

// Check validates the arguments and returns the settings the step
// runs with; ValidateConfig and Diagnose both call it through
// hostscript.Check.
func (c *Config) Check() (search, error) {
	s := search{pattern: c.Pattern, path: c.Path, glob: c.Rotated, unit: c.Unit, jfile: c.JournalFile,
		top: defaultTop, maxBytes: defaultMaxBytes, timeout: defaultScanTime}
	fail := func(format string, args ...any) (search, error) {
		return s, steps.Errorf(steps.ClassConfig, "log_search: "+format, args...)
	}
	if c.Pattern == "" {
		return fail("pattern must not be empty")
	}
	re, err := regexp.CompilePOSIX(c.Pattern)
	if err != nil {
		return fail("pattern is not a POSIX extended regular expression (as grep -E takes): %v", err)
	}
	s.re = re
	file, journal := c.Path != "" || c.Rotated != "", c.Unit != "" || c.JournalFile != ""
	switch {
	case file && journal:
		return fail("search a file (path, rotated) or the journal (unit, journal_file), not both")
	case !file && !journal:
		return fail("set path (a log file) or unit / journal_file (the journal)")
	case c.Rotated != "" && c.Path == "":
		return fail("rotated needs path (the current file)")
	}
	for _, p := range []struct{ name, v string }{{"path", c.Path}, {"rotated", c.Rotated}, {"journal_file", c.JournalFile}} {
		if p.v != "" && !path.IsAbs(p.v) {
			return fail("%s must be an absolute path, got %q", p.name, p.v)
		}
	}
	if s.since, err = parseBound("since", c.Since); err != nil {
		return s, err
	}
	if s.until, err = parseBound("until", c.Until); err != nil {
		return s, err
	}
	if c.Top != 0 {
		if c.Top < 1 || c.Top > maxTop {
			return fail("top must be from 1 to %d, got %d", maxTop, c.Top)
		}
		s.top = c.Top
	}
	if c.MaxBytes != 0 {
		if c.MaxBytes < 1024 || c.MaxBytes > maxMaxBytes {
			return fail("max_bytes must be from 1024 to %d, got %d", maxMaxBytes, c.MaxBytes)
		}
		s.maxBytes = int64(c.MaxBytes)
	}
	if c.ScanTimeout != "" {
		d, err := time.ParseDuration(c.ScanTimeout)
		if err != nil || d < time.Second || d > 10*time.Minute {
			return fail("scan_timeout must be a duration from 1s to 10m (like \"20s\"), got %q", c.ScanTimeout)
		}
		s.timeout = d
	}
	return s, nil
}
