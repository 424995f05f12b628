package puppet

import (
	"fmt"
	"slices"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/mend-sh/mend/steps"
)

// noopResult is what a noop run says about the watched paths.
type noopResult struct {
	wouldChange []string // watched paths that would change
	resources   []string // every resource with noop events
	// unattributed are File resources with noop events whose title is
	// not an absolute path (file { 'etcd-ca': path => ... }): the log
	// does not say which file they manage, so they may be a watched one.
	unattributed []string
	outOfSync    int // -1: unknown
	failed       int
	clean        bool
	watched      int // how many paths were watched
}

// judgeNoop matches the noop events against the watched paths and reads
// the summary written by the run. Clean is false, to be safe, when a File
// resource titled other than by its path would change: puppet logs it as
// File[title], and neither the log nor the report says which path it
// manages.
func judgeNoop(paths []string, evs []event, before, after summary) noopResult {
	r := noopResult{outOfSync: -1, watched: len(paths)}
	if after.fresh(before) {
		r.outOfSync = int(after.vals["resources.out_of_sync"])
		r.failed = int(after.vals["resources.failed"])
	}
	for _, ev := range evs {
		if ev.noop && !slices.Contains(r.resources, ev.resource) {
			r.resources = append(r.resources, ev.resource)
			if ev.typ == "File" && !strings.HasPrefix(ev.title, "/") {
				r.unattributed = append(r.unattributed, ev.resource)
			}
		}
	}
	for _, p := range paths {
		if slices.ContainsFunc(evs, func(ev event) bool { return ev.noop && ev.typ == "File" && under(ev.title, p) }) {
			r.wouldChange = append(r.wouldChange, p)
		}
	}
	unattributed := (r.outOfSync > 0 && len(r.resources) == 0) || len(r.unattributed) > 0
	r.clean = len(r.wouldChange) == 0 && !unattributed
	if len(paths) == 0 {
		r.clean = r.clean && len(r.resources) == 0 && r.outOfSync <= 0
	}
	return r
}

// under reports whether path is watched or inside watched.
func under(path, watched string) bool {
	return path == watched || strings.HasPrefix(path, strings.TrimSuffix(watched, "/")+"/")
}

func (r noopResult) response(o outcome) steps.DiagnoseResponse {
	out := cty.NullVal(cty.Number)
	if r.outOfSync >= 0 {
		out = cty.NumberIntVal(int64(r.outOfSync))
	}
	details := append([]string{}, r.resources...)
	if r.outOfSync > 0 && len(r.resources) == 0 {
		details = append(details, fmt.Sprintf("the summary counts %d out-of-sync resources but the output names none: cannot tell which paths", r.outOfSync))
	}
	for _, res := range r.unattributed {
		details = append(details, res+" would change, and its title is not a path: it may manage a watched path, so the run is not clean")
	}
	return steps.DiagnoseResponse{
		Output: cty.ObjectVal(map[string]cty.Value{
			"would_change": stringList(r.wouldChange),
			"clean":        cty.BoolVal(r.clean),
			"resources":    stringList(r.resources),
			"out_of_sync":  out,
			"exit_code":    cty.NumberIntVal(int64(o.exitCode)),
		}),
		Summary: r.summary(),
		Details: append(details, o.details()...),
	}
}

func (r noopResult) summary() string {
	switch {
	case len(r.wouldChange) > 0:
		return "puppet would change " + strings.Join(r.wouldChange, ", ")
	case len(r.unattributed) > 0 && r.watched > 0:
		return "puppet would change " + strings.Join(r.unattributed, ", ") + ", which may manage a watched path"
	case !r.clean:
		return fmt.Sprintf("puppet would change %d resources", max(len(r.resources), r.outOfSync))
	case r.watched == 0:
		return "puppet would change nothing"
	}
	return "puppet would change none of the watched paths"
}

func stringList(ss []string) cty.Value {
	if len(ss) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	vals := make([]cty.Value, len(ss))
	for i, s := range ss {
		vals[i] = cty.StringVal(s)
	}
	return cty.ListVal(vals)
}
