package process

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/mend-sh/mend/internal/hostscript"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Type is the `diagnose "process"` step type.
type Type struct{}

var (
	_ steps.Diagnoser = Type{}
	_ steps.Validator = Type{}
)

// Name returns "process".
func (Type) Name() string { return "process" }

// NewConfig returns a new *Config.
func (Type) NewConfig() any { return &Config{} }

var procType = cty.Object(map[string]cty.Type{
	"pid": cty.Number, "ppid": cty.Number, "user": cty.String, "name": cty.String, "command": cty.String,
	"state": cty.String, "start_time": cty.String, "uptime_s": cty.Number, "rss_bytes": cty.Number, "fds": cty.Number,
})

// Output is an object:
//
//	running    bool    at least one process matches
//	count      number  how many match (all of them, even past max)
//	pids       list of numbers, the described ones
//	processes  list of { pid, ppid, user, name, command (2 KiB at most), state (R, S, D, Z, T…),
//	           start_time (RFC 3339, UTC), uptime_s, rss_bytes, fds (-1 when not readable) },
//	           oldest first, at most max
func (Type) Output() cty.Type {
	return cty.Object(map[string]cty.Type{"running": cty.Bool, "count": cty.Number, "pids": cty.List(cty.Number), "processes": cty.List(procType)})
}

// ValidateConfig requires name or pattern (not both) and a pattern that compiles.
func (Type) ValidateConfig(config any) error {
	_, err := hostscript.Check[matcher, *Config](config)
	return err
}

// Diagnose lists the host's processes, matches them here, and describes
// up to max of the matches.
func (Type) Diagnose(ctx context.Context, req steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	m, err := hostscript.Check[matcher, *Config](req.Config)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	all, err := list(ctx, req.Host)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	var matched []listed
	for _, p := range all {
		if m.matches(p) {
			matched = append(matched, p)
		}
	}
	var procs []proc
	if len(matched) > 0 {
		if procs, err = describe(ctx, req.Host, matched[:min(len(matched), m.max)]); err != nil {
			return steps.DiagnoseResponse{}, err
		}
	}
	sortOldestFirst(procs)
	return response(m, len(matched), procs), nil
}

func response(m matcher, count int, procs []proc) steps.DiagnoseResponse {
	pids := make([]cty.Value, len(procs))
	vals := make([]cty.Value, len(procs))
	var details []string
	for i, p := range procs {
		pids[i] = cty.NumberIntVal(p.pid)
		vals[i] = cty.ObjectVal(map[string]cty.Value{
			"pid": cty.NumberIntVal(p.pid), "ppid": cty.NumberIntVal(p.ppid), "user": cty.StringVal(p.user),
			"name": cty.StringVal(p.name), "command": cty.StringVal(p.command), "state": cty.StringVal(p.state),
			"start_time": cty.StringVal(p.start.Format("2006-01-02T15:04:05Z")), "uptime_s": cty.NumberIntVal(int64(p.uptime.Seconds())),
			"rss_bytes": cty.NumberIntVal(p.rssBytes), "fds": cty.NumberIntVal(p.fds),
		})
		details = append(details, describeLine(p))
	}
	out := map[string]cty.Value{"running": cty.BoolVal(count > 0), "count": cty.NumberIntVal(int64(count)),
		"pids": cty.ListValEmpty(cty.Number), "processes": cty.ListValEmpty(procType)}
	if len(procs) > 0 {
		out["pids"], out["processes"] = cty.ListVal(pids), cty.ListVal(vals)
	}
	if count > len(procs) {
		details = append(details, fmt.Sprintf("%d more not described (max = %d)", count-len(procs), m.max))
	}
	summary := fmt.Sprintf("no process matches %s", m.what())
	if count > 0 {
		summary = fmt.Sprintf("%d processes match %s", count, m.what())
	}
	return steps.DiagnoseResponse{Output: cty.ObjectVal(out), Summary: summary, Details: details}
}

// describeLine: "pid 123 nginx (www-data) S, up 3h2m0s, RSS 12.0 MiB, 45 fds: nginx: worker process".
func describeLine(p proc) string {
	fds := fmt.Sprint(p.fds)
	if p.fds < 0 {
		fds = "?"
	}
	return fmt.Sprintf("pid %d %s (%s) %s, up %s, RSS %s, %s fds: %s", p.pid, p.name, p.user, p.state, p.uptime,
		hostscript.Bytes(p.rssBytes), fds, hostscript.Text([]byte(p.command), 120))
}

func sortOldestFirst(ps []proc) {
	slices.SortStableFunc(ps, func(a, b proc) int { return cmp.Compare(b.uptime, a.uptime) })
}

// quoteShort is s in double quotes, cut to 60 bytes.
func quoteShort(s string) string {
	return fmt.Sprintf("%q", strings.ToValidUTF8(hostscript.Text([]byte(s), 60), ""))
}
