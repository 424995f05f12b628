package logsearch

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/mend-sh/mend/internal/hostscript"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Type is the `diagnose "log_search"` step type.
type Type struct{}

var (
	_ steps.Diagnoser = Type{}
	_ steps.Validator = Type{}
)

// Name returns "log_search".
func (Type) Name() string { return "log_search" }

// NewConfig returns a new *Config.
func (Type) NewConfig() any { return &Config{} }

var (
	lineType    = cty.Object(map[string]cty.Type{"line": cty.String, "time": cty.String})
	minuteType  = cty.Object(map[string]cty.Type{"minute": cty.String, "count": cty.Number})
	messageType = cty.Object(map[string]cty.Type{"message": cty.String, "count": cty.Number})
)

// Output is an object:
//
//	count            number of matching lines (in the window, within max_bytes)
//	complete         false when max_bytes or scan_timeout cut the search
//	first, last      { line (512 bytes at most), time (RFC 3339 UTC, "" when the line has none) }
//	per_minute       list of { minute, count }, the latest 60 minutes with matches
//	rate_per_minute  matches per minute between the first and last timestamped match seen
//	top              list of { message, count }: the most frequent messages, numbers and hex masked
//	files            the files read, oldest first (empty for the journal)
func (Type) Output() cty.Type {
	return cty.Object(map[string]cty.Type{
		"count": cty.Number, "complete": cty.Bool, "first": lineType, "last": lineType,
		"per_minute": cty.List(minuteType), "rate_per_minute": cty.Number, "top": cty.List(messageType),
		"files": cty.List(cty.String),
	})
}

// ValidateConfig checks the pattern compiles as POSIX ERE, one source,
// absolute paths, the window and the bounds.
func (Type) ValidateConfig(config any) error {
	_, err := hostscript.Check[search, *Config](config)
	return err
}

// Diagnose searches the file (and its rotated siblings) or the journal.
func (Type) Diagnose(ctx context.Context, req steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	s, err := hostscript.Check[search, *Config](req.Config)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	var (
		r     raw
		files []logFile
		whole = true
		notes []string
	)
	fileMode := s.path != ""
	if fileMode {
		if files, whole, err = listFiles(ctx, req.Host, s); err != nil {
			return steps.DiagnoseResponse{}, err
		}
		if len(files) == 0 {
			return steps.DiagnoseResponse{}, steps.Errorf(steps.ClassStep, "log_search: %s does not exist and rotated matches no file", s.path)
		}
		r, err = searchFiles(ctx, req.Host, s, files)
	} else {
		r, err = searchJournal(ctx, req.Host, s)
	}
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	switch {
	case r.rc == 137:
		whole = false
		notes = append(notes, fmt.Sprintf("cut short at scan_timeout (%s): counts are lower bounds", s.timeout))
	case r.rc == 141: // head -c stopped journalctl at max_bytes
		whole = false
	case r.rc != 0:
		return steps.DiagnoseResponse{}, steps.Errorf(steps.ClassExitStatus, "log_search: reading the log failed (exit %d): %s", r.rc, r.message)
	}
	if !whole && r.rc != 137 {
		notes = append(notes, fmt.Sprintf("read only the newest %s (max_bytes): counts are lower bounds", hostscript.Bytes(s.maxBytes)))
	}
	a := analyse(r, s, fileMode)
	a.notes = append(a.notes, notes...)
	return response(s, a, files, whole), nil
}

func response(s search, a analysis, files []logFile, complete bool) steps.DiagnoseResponse {
	var per, top, names []cty.Value
	for _, m := range a.perMinute {
		per = append(per, cty.ObjectVal(map[string]cty.Value{"minute": cty.StringVal(m.at.Format(time.RFC3339)), "count": cty.NumberIntVal(int64(m.count))}))
	}
	details := []string{}
	for _, m := range a.top {
		top = append(top, cty.ObjectVal(map[string]cty.Value{"message": cty.StringVal(m.text), "count": cty.NumberIntVal(int64(m.count))}))
		details = append(details, fmt.Sprintf("%6d× %s", m.count, hostscript.Text([]byte(m.text), 160)))
	}
	for _, f := range files {
		if f.budget > 0 {
			names = append(names, cty.StringVal(f.path))
		}
	}
	rate := math.Round(a.rate*10) / 10
	out := map[string]cty.Value{
		"count": cty.NumberIntVal(a.count), "complete": cty.BoolVal(complete),
		"first": lineVal(a.first), "last": lineVal(a.last),
		"per_minute": listOf(minuteType, per), "rate_per_minute": cty.NumberFloatVal(rate),
		"top": listOf(messageType, top), "files": listOf(cty.String, names),
	}
	summary := fmt.Sprintf("no line matches %q", short(s.pattern))
	if a.count > 0 {
		summary = fmt.Sprintf("%d lines match %q, %s to %s, %.1f/min", a.count, short(s.pattern), when(a.first), when(a.last), rate)
	}
	if len(a.perMinute) > 0 {
		last := a.perMinute[len(a.perMinute)-1]
		details = append([]string{fmt.Sprintf("latest minute with matches: %s, %d", last.at.Format("15:04"), last.count)}, details...)
	}
	return steps.DiagnoseResponse{Output: cty.ObjectVal(out), Summary: summary, Details: append(details, a.notes...)}
}

func when(m match) string {
	if m.at.IsZero() {
		return "(no time)"
	}
	return m.at.Format(time.RFC3339)
}

func short(s string) string { return hostscript.Text([]byte(s), 60) }

func lineVal(m match) cty.Value {
	t := ""
	if !m.at.IsZero() {
		t = m.at.Format(time.RFC3339Nano)
	}
	return cty.ObjectVal(map[string]cty.Value{"line": cty.StringVal(m.line), "time": cty.StringVal(t)})
}

func listOf(ty cty.Type, vals []cty.Value) cty.Value {
	if len(vals) == 0 {
		return cty.ListValEmpty(ty)
	}
	return cty.ListVal(vals)
}
