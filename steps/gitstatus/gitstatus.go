package gitstatus

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mend-sh/mend/internal/hostscript"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Type is the `diagnose "git_status"` step type.
type Type struct{}

var (
	_ steps.Diagnoser = Type{}
	_ steps.Validator = Type{}
)

// Name returns "git_status".
func (Type) Name() string { return "git_status" }

// NewConfig returns a new *Config.
func (Type) NewConfig() any { return &Config{} }

var fileType = cty.Object(map[string]cty.Type{"status": cty.String, "path": cty.String})

// Output is an object:
//
//	top                  the checkout's top directory
//	head                 HEAD's commit id ("" in a repository without commits)
//	branch               the branch checked out ("" when detached)
//	detached             HEAD is not on a branch
//	upstream             the branch's upstream ("" when none)
//	remote_ref           the ref ahead/behind count against ("" when none)
//	fetched              git fetch ran (fetch = true) and succeeded
//	ahead, behind        commits on HEAD not on remote_ref and the converse; -1 when not counted
//	dirty                anything staged, changed, conflicted or untracked
//	staged, unstaged, untracked, conflicted  counts of entries
//	files                list of { status (git's two letters: "M ", " M", "??", "UU"), path }, at most max_files
//	files_complete       false when the listing hit its byte limit or git status failed
//	last_commit_time     RFC 3339 UTC ("" without commits)
//	last_commit_author   "Name <email>"
//	last_commit_subject  its first line
func (Type) Output() cty.Type {
	return cty.Object(map[string]cty.Type{
		"top": cty.String, "head": cty.String, "branch": cty.String, "detached": cty.Bool, "upstream": cty.String,
		"remote_ref": cty.String, "fetched": cty.Bool, "ahead": cty.Number, "behind": cty.Number,
		"dirty": cty.Bool, "staged": cty.Number, "unstaged": cty.Number, "untracked": cty.Number, "conflicted": cty.Number,
		"files": cty.List(fileType), "files_complete": cty.Bool,
		"last_commit_time": cty.String, "last_commit_author": cty.String, "last_commit_subject": cty.String,
	})
}

// ValidateConfig checks the path, the ref's form and the bounds.
func (Type) ValidateConfig(config any) error {
	_, err := hostscript.Check[settings, *Config](config)
	return err
}

// Diagnose reads the checkout. A ref that does not resolve is not an
// error: ahead and behind are -1 and the details say why.
func (Type) Diagnose(ctx context.Context, req steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	s, err := hostscript.Check[settings, *Config](req.Config)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	r, err := runStatus(ctx, req.Host, s)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	st := parseState(r.Stdout, r.Stderr, s.maxFiles)
	if s.fetch && !st.fetched && st.ref != "" {
		st.refError = "git fetch failed: " + hostscript.FirstLine(r.Stderr, 200)
	}
	return st.response(s), nil
}

func (st state) response(s settings) steps.DiagnoseResponse {
	files := make([]cty.Value, len(st.changes))
	var details []string
	for i, c := range st.changes {
		files[i] = cty.ObjectVal(map[string]cty.Value{"status": cty.StringVal(c.Code), "path": cty.StringVal(c.Path)})
		details = append(details, fmt.Sprintf("%s %s", c.Code, c.Path))
	}
	filesVal := cty.ListValEmpty(fileType)
	if len(files) > 0 {
		filesVal = cty.ListVal(files)
	}
	commitTime := ""
	if !st.commitTime.IsZero() {
		commitTime = st.commitTime.Format(time.RFC3339)
		details = append([]string{fmt.Sprintf("last commit %s by %s: %s", commitTime, st.author, st.subject)}, details...)
	}
	if total := st.staged + st.unstaged + st.untracked + st.conflicted; total > len(st.changes) {
		details = append(details, fmt.Sprintf("%d more entries not listed (max_files = %d)", total-len(st.changes), s.maxFiles))
	}
	if !st.statusComplete {
		details = append(details, "git status did not finish or its listing was cut: counts are lower bounds")
	}
	if st.refError != "" {
		details = append(details, fmt.Sprintf("ahead/behind %s not counted: %s", st.ref, st.refError))
	}
	out := cty.ObjectVal(map[string]cty.Value{
		"top": cty.StringVal(st.top), "head": cty.StringVal(st.head), "branch": cty.StringVal(st.branch),
		"detached": cty.BoolVal(st.branch == ""), "upstream": cty.StringVal(st.upstream), "remote_ref": cty.StringVal(st.ref),
		"fetched": cty.BoolVal(st.fetched), "ahead": cty.NumberIntVal(st.ahead), "behind": cty.NumberIntVal(st.behind),
		"dirty": cty.BoolVal(st.dirty()), "staged": cty.NumberIntVal(int64(st.staged)), "unstaged": cty.NumberIntVal(int64(st.unstaged)),
		"untracked": cty.NumberIntVal(int64(st.untracked)), "conflicted": cty.NumberIntVal(int64(st.conflicted)),
		"files": filesVal, "files_complete": cty.BoolVal(st.statusComplete),
		"last_commit_time": cty.StringVal(commitTime), "last_commit_author": cty.StringVal(st.author), "last_commit_subject": cty.StringVal(st.subject),
	})
	return steps.DiagnoseResponse{Output: out, Summary: st.summary(), Details: details}
}

// summary: "/srv/puppet on production at 1a2b3c4d, dirty (2 changed, 1 untracked), 1 ahead and 3 behind origin/production".
func (st state) summary() string {
	at := st.branch
	if at == "" {
		at = "detached HEAD"
	}
	head := st.head
	if len(head) > 12 {
		head = head[:12]
	}
	if head == "" {
		head = "no commits"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s on %s at %s, ", st.top, at, head)
	if st.dirty() {
		fmt.Fprintf(&b, "dirty (%d staged, %d unstaged, %d untracked, %d conflicted)", st.staged, st.unstaged, st.untracked, st.conflicted)
	} else {
		b.WriteString("clean")
	}
	switch {
	case st.ref == "":
		b.WriteString(", no upstream to compare with")
	case st.ahead < 0:
		fmt.Fprintf(&b, ", %s not comparable", st.ref)
	default:
		fmt.Fprintf(&b, ", %d ahead and %d behind %s", st.ahead, st.behind, st.ref)
		if !st.fetched {
			b.WriteString(" (as last fetched)")
		}
	}
	return b.String()
}
