package audit

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// Filter selects records of an audit log for `mend audit show`. Every
// field set must match; a zero Filter matches every record. Runbook and
// Operator are facts of a run: a record matches when its own field does,
// or when the run_start record of its run does (step records carry
// neither).
type Filter struct {
	RunID string
	// Runbook matches the runbook path as recorded, its base name, or a
	// prefix of at least 8 hex digits of its sha256.
	Runbook string
	Host    string
	// Step matches an address ("repair.file.install_ca") and everything
	// under it: its instances (`repair.file.x["a"]`) and, for a prefix
	// ending at a dot boundary ("repair.file", "repair"), every step in
	// it. "stage.NAME" selects a stage's batch records.
	Step     string
	Operator string
	// Since and Until bound the record's time (inclusive); zero: open.
	Since, Until time.Time
}

// Apply returns the records of recs that f selects, in order.
func (f Filter) Apply(recs []Record) []Record {
	starts := map[string]Record{}
	for _, r := range recs {
		if r.Event == EventRunStart {
			starts[r.RunID] = r
		}
	}
	var out []Record
	for _, r := range recs {
		if f.match(r, starts[r.RunID]) {
			out = append(out, r)
		}
	}
	return out
}

// match reports whether f selects r, whose run began with start (a zero
// Record when the log has no run_start for it).
func (f Filter) match(r, start Record) bool {
	switch {
	case f.RunID != "" && r.RunID != f.RunID:
		return false
	case f.Host != "" && r.Host != f.Host:
		return false
	case f.Step != "" && !StepUnder(r.Step, f.Step):
		return false
	case !f.Since.IsZero() && r.Time.Before(f.Since):
		return false
	case !f.Until.IsZero() && r.Time.After(f.Until):
		return false
	case f.Operator != "" && first(r.Operator, start.Operator) != f.Operator:
		return false
	case f.Runbook != "" && !runbookMatches(f.Runbook, first(r.Runbook, start.Runbook), first(r.RunbookSHA256, start.RunbookSHA256)):
		return false
	}
	return true
}

// StepUnder reports whether the step address addr is prefix or lies
// under it: prefix followed by "." or "[" in addr.
func StepUnder(addr, prefix string) bool {
	rest, ok := strings.CutPrefix(addr, prefix)
	return ok && (rest == "" || rest[0] == '.' || rest[0] == '[')
}

func runbookMatches(want, path, sha string) bool {
	if path != "" && (path == want || filepath.Base(path) == want) {
		return true
	}
	return len(want) >= 8 && isHex(want) && strings.HasPrefix(sha, strings.ToLower(want))
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func isHex(s string) bool {
	return strings.Trim(strings.ToLower(s), "0123456789abcdef") == ""
}

// ParseTime reads a --since or --until value: an RFC 3339 time
// ("2026-12-05T19:00:00Z"), a date ("2026-12-05", midnight UTC), or a
// duration back from now ("90m", "36h").
func ParseTime(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time: want RFC 3339 (2026-12-05T19:00:00Z), a date (2026-12-05) or a duration back from now (90m, 36h)", s)
}
