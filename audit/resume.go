package audit

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Detail keys of the records a resumed run writes.
const (
	// DetailResumes, on a run_start record, names the run it resumes.
	DetailResumes = "resumes"
	// DetailDoneIn, on a step_finish record of a repair skipped by a
	// resumed run, names the run that did it.
	DetailDoneIn = "done_in_run"
	// DetailDoneOutcome, beside DetailDoneIn, is the outcome it had there.
	DetailDoneOutcome = "done_outcome"
	// DetailDecision, on a note of a resumed run, is the operator's
	// decision about a repair whose outcome is unknown: "skip" or "rerun".
	DetailDecision = "resume_decision"
)

// The decisions about a repair whose outcome is unknown.
const (
	DecisionSkip  = "skip"
	DecisionRerun = "rerun"
)

// StepHost is one step on one host ("" for a step without `on`).
type StepHost struct{ Step, Host string }

func (k StepHost) String() string {
	if k.Host == "" {
		return k.Step
	}
	return k.Step + " on " + k.Host
}

// Done is a repair on a host that a resumed run finished.
type Done struct {
	Run     string  // the run that finished it (or decided to skip it)
	Outcome Outcome // ok, changed, skipped or no_op
	Decided bool    // skipped by the operator's decision, its outcome unknown
}

// Decision is the operator's decision about a repair whose outcome is
// unknown: Skip it (it is done), or run it again.
type Decision struct {
	StepHost
	Skip bool
}

// Resume is what `mend apply --resume RUN` continues: RUN's run_start, the
// repairs RUN (and the runs it resumed, in turn) finished per host, and the
// repairs whose intent is recorded without a result. Diagnoses are never
// in Done: they are read-only and always run again.
type Resume struct {
	RunID string
	Start Record   // RUN's run_start record
	Chain []string // RUN, the run it resumed, and so on
	Done  map[StepHost]Done
	// Unknown are the repairs whose outcome is unknown, in log order;
	// Decide must settle each before the run may go on.
	Unknown []StepHost
	// Passed are the diagnoses RUN (or a run it resumed) finished and then
	// went past: a saved plan's apply compared their results with the
	// plan before it went on, and they need not match it again.
	Passed    map[string]bool
	Decisions []Decision
}

// ReadResume reads what run runID of the log at path left, for resuming
// it. It refuses a run that is not in the log, was not an apply, finished
// (its run_end is recorded), is still going (its run lock is held), or was
// resumed already by another run.
func ReadResume(path, runID string) (*Resume, error) {
	if !validRunID(runID) {
		return nil, fmt.Errorf("%q is not a run id (see `mend audit runs`)", runID)
	}
	if h, live := runLive(path, runID); live {
		return nil, fmt.Errorf("run %s is still going (pid %d, since %s; its run lock is held): wait for it to end, or stop it, then resume it",
			runID, h.PID, h.Since.Format(time.RFC3339))
	}
	recs, err := ReadAll(path)
	if err != nil {
		return nil, fmt.Errorf("%v; run `mend audit verify %s`", err, path)
	}
	idx := indexRuns(recs)
	if err := idx.resumable(path, runID); err != nil {
		return nil, err
	}
	res := &Resume{RunID: runID, Start: idx.starts[runID], Chain: idx.chain(runID)}
	res.collect(recs)
	return res, nil
}

// runIndex is what the log says of its runs: how each began and ended,
// and which run resumed which.
type runIndex struct {
	starts, ends map[string]Record
	resumedBy    map[string]Record // run id -> run_start of the run that resumed it
}

func indexRuns(recs []Record) runIndex {
	idx := runIndex{starts: map[string]Record{}, ends: map[string]Record{}, resumedBy: map[string]Record{}}
	for _, r := range recs {
		switch r.Event {
		case EventRunStart:
			idx.starts[r.RunID] = r
			if from := r.Detail[DetailResumes]; from != "" {
				idx.resumedBy[from] = r
			}
		case EventRunEnd:
			idx.ends[r.RunID] = r
		}
	}
	return idx
}

// resumable refuses a run that cannot be resumed, saying why.
func (idx runIndex) resumable(path, id string) error {
	st, ok := idx.starts[id]
	switch {
	case !ok:
		return fmt.Errorf("the audit log %s has no run %s (see `mend audit runs %s`)", path, id, path)
	case st.Mode != ModeApply:
		return fmt.Errorf("run %s was a %s, not an apply: there is nothing to resume", id, st.Mode)
	}
	if end, ok := idx.ends[id]; ok {
		return fmt.Errorf("run %s finished at %s (outcome %s): there is nothing to resume; a new apply starts afresh",
			id, end.Time.Format(time.RFC3339), end.Outcome)
	}
	if by, ok := idx.resumedBy[id]; ok {
		return fmt.Errorf("run %s was resumed already by run %s (started %s by %s): resume that run instead if it did not finish",
			id, by.RunID, by.Time.Format(time.RFC3339), by.Operator)
	}
	return nil
}

// chain is id, the run it resumed, and so on (bounded by the runs in the
// log, so a forged loop ends).
func (idx runIndex) chain(id string) []string {
	out := []string{id}
	seen := map[string]bool{id: true}
	for len(out) <= len(idx.starts) {
		from := idx.starts[out[len(out)-1]].Detail[DetailResumes]
		if from == "" || seen[from] {
			break
		}
		seen[from] = true
		out = append(out, from)
	}
	return out
}

// collect reads the records of the chain's runs, in log order, into Done,
// Unknown and Passed.
func (res *Resume) collect(recs []Record) {
	inChain := map[string]bool{}
	for _, id := range res.Chain {
		inChain[id] = true
	}
	res.Done, res.Passed = map[StepHost]Done{}, map[string]bool{}
	open := map[StepHost]uint64{} // repairs with an intent and no result: seq of the intent
	finished := map[string][]string{}
	for _, r := range recs {
		if !inChain[r.RunID] {
			continue
		}
		k := StepHost{r.Step, r.Host}
		if r.Event == EventStepStart {
			res.pass(finished, r)
		}
		if !strings.HasPrefix(r.Step, "repair.") {
			if r.Event == EventStepFinish && r.Outcome == OutcomeOK {
				finished[r.RunID] = append(finished[r.RunID], r.Step)
			}
			continue
		}
		switch {
		case r.Event == EventStepStart:
			delete(res.Done, k)
			open[k] = r.Seq
		case r.Event == EventStepFinish && finishedOutcome(r.Outcome):
			delete(open, k)
			res.Done[k] = Done{Run: first(r.Detail[DetailDoneIn], r.RunID), Outcome: Outcome(first(r.Detail[DetailDoneOutcome], string(r.Outcome))),
				Decided: r.Detail[DetailDecision] == DecisionSkip}
		case r.Event == EventStepFinish && r.Outcome == OutcomeUnknown:
			if _, ok := open[k]; !ok {
				open[k] = r.Seq
			}
		case r.Event == EventStepFinish: // failed, refused: runs again
			delete(open, k)
		case r.Event == EventNote && r.Detail[DetailDecision] == DecisionRerun:
			delete(open, k)
		case r.Event == EventNote && r.Detail[DetailDecision] == DecisionSkip:
			delete(open, k)
			res.Done[k] = Done{Run: r.RunID, Outcome: OutcomeSkipped, Decided: true}
		}
	}
	res.Unknown = sortedBySeq(open)
}

// pass marks the diagnoses a run finished before it started another step
// as passed.
func (res *Resume) pass(finished map[string][]string, start Record) {
	var keep []string
	for _, addr := range finished[start.RunID] {
		if addr == start.Step {
			keep = append(keep, addr)
			continue
		}
		res.Passed[addr] = true
	}
	finished[start.RunID] = keep
}

// finishedOutcome reports whether a repair that ended so is done.
func finishedOutcome(o Outcome) bool {
	switch o {
	case OutcomeOK, OutcomeChanged, OutcomeSkipped, OutcomeNoOp:
		return true
	}
	return false
}

func sortedBySeq(m map[StepHost]uint64) []StepHost {
	out := make([]StepHost, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ { // insertion sort: a handful of entries
		for j := i; j > 0 && m[out[j]] < m[out[j-1]]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// runLive reports whether run id of the log at path holds its run lock.
func runLive(path, id string) (holder, bool) {
	f, err := openRegular(filepath.Join(newRunLocks(path).dir, id+".lock"), os.O_RDONLY, 0)
	if err != nil {
		return holder{}, false // no lock file: the run ended, or never ran here
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		h, _ := readHolder(f)
		return h, errors.Is(err, syscall.EWOULDBLOCK)
	}
	return holder{}, false
}

// Check refuses to resume when what the run is about to apply is not what
// RUN applied: another runbook (by sha256), another saved plan (by its
// digest), or other inputs or inventory (facts, as RUN's run_start
// recorded them: see Record.Detail and the engine's Request.Facts).
func (res *Resume) Check(runbookSHA256, planSHA256 string, facts map[string]string) error {
	var d []string
	st := res.Start
	if st.RunbookSHA256 != runbookSHA256 {
		d = append(d, fmt.Sprintf("the runbook %s was edited since run %s (sha256 %s, now %s)", st.Runbook, res.RunID, short(st.RunbookSHA256), short(runbookSHA256)))
	}
	switch {
	case st.PlanSHA256 == planSHA256:
	case st.PlanSHA256 == "":
		d = append(d, fmt.Sprintf("run %s applied the runbook, not a saved plan: resume it with the runbook", res.RunID))
	case planSHA256 == "":
		d = append(d, fmt.Sprintf("run %s applied the saved plan %s: resume it with that plan file", res.RunID, short(st.PlanSHA256)))
	default:
		d = append(d, fmt.Sprintf("run %s applied the saved plan %s, not this one (%s)", res.RunID, short(st.PlanSHA256), short(planSHA256)))
	}
	d = append(d, res.factDrift(facts)...)
	if len(d) > 0 {
		return fmt.Errorf("cannot resume run %s, nothing was run:\n  - %s", res.RunID, strings.Join(d, "\n  - "))
	}
	return nil
}

// factDrift lists the facts (inputs, inventory) that differ from RUN's.
func (res *Resume) factDrift(facts map[string]string) []string {
	was := res.Start.Detail
	if !hasFacts(was) {
		return []string{fmt.Sprintf("run %s recorded no digests of its inputs (written by an older mend): they cannot be compared", res.RunID)}
	}
	var d []string
	for _, k := range sortedKeys(facts) {
		old, ok := was[k]
		switch {
		case !isFact(k):
		case !ok:
			d = append(d, fmt.Sprintf("%s was not an input of run %s", factName(k), res.RunID))
		case old != facts[k]:
			d = append(d, fmt.Sprintf("%s changed since run %s", factName(k), res.RunID))
		}
	}
	for _, k := range sortedKeys(was) {
		if _, ok := facts[k]; isFact(k) && !ok {
			d = append(d, fmt.Sprintf("%s of run %s has no value now", factName(k), res.RunID))
		}
	}
	return d
}

// FactPrefix starts the Detail keys of a run_start that record the run's
// inputs: "input:var.NAME" (a digest of its value), "input:inventory".
const FactPrefix = "input:"

func isFact(k string) bool { return strings.HasPrefix(k, FactPrefix) }

func factName(k string) string {
	name := strings.TrimPrefix(k, FactPrefix)
	if name == "inventory" {
		return "the inventory (its hosts, addresses, users, ports and vars)"
	}
	return "input " + name
}

func hasFacts(m map[string]string) bool {
	for k := range m {
		if isFact(k) {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	if h == "" {
		return "(none)"
	}
	return h
}

// Decide settles every repair whose outcome is unknown: those under an
// address in skip are done (skipped), the rest run again when rerun is
// set. mend never guesses: an unknown repair left undecided is an error
// naming it, and so is a skip address that matches none.
func (res *Resume) Decide(rerun bool, skip []string) error {
	used := make([]bool, len(skip))
	var undecided []string
	res.Decisions = nil
	for _, k := range res.Unknown {
		i := matchSkip(k.Step, skip)
		switch {
		case i >= 0:
			used[i] = true
			res.Decisions = append(res.Decisions, Decision{StepHost: k, Skip: true})
		case rerun:
			res.Decisions = append(res.Decisions, Decision{StepHost: k})
		default:
			undecided = append(undecided, k.String())
		}
	}
	for i, s := range skip {
		if !used[i] {
			return fmt.Errorf("--skip-unknown %s: run %s left no repair at that address with an unknown outcome%s", s, res.RunID, res.unknownList())
		}
	}
	if len(undecided) > 0 {
		return fmt.Errorf("cannot resume run %s, nothing was run: the outcome of %s is unknown (its intent is recorded, its result is not: mend died or lost the host mid-repair). "+
			"mend does not guess: look at the host, then resume with --rerun-unknown (run it again, after the diagnoses before it) or --skip-unknown %s (count it as done)",
			res.RunID, strings.Join(undecided, ", "), res.unknownSteps())
	}
	return nil
}

func matchSkip(step string, skip []string) int {
	for i, s := range skip {
		if StepUnder(step, s) {
			return i
		}
	}
	return -1
}

func (res *Resume) unknownList() string {
	if len(res.Unknown) == 0 {
		return " (it left none)"
	}
	var s []string
	for _, k := range res.Unknown {
		s = append(s, k.String())
	}
	return " (unknown: " + strings.Join(s, ", ") + ")"
}

func (res *Resume) unknownSteps() string {
	var out []string
	seen := map[string]bool{}
	for _, k := range res.Unknown {
		if !seen[k.Step] {
			seen[k.Step] = true
			out = append(out, k.Step)
		}
	}
	return strings.Join(out, " --skip-unknown ")
}

// DoneOn reports whether the repair step finished on host in RUN (or a
// run it resumed), or the operator decided to skip it.
func (res *Resume) DoneOn(step, host string) (Done, bool) {
	if res == nil {
		return Done{}, false
	}
	if d, ok := res.Done[StepHost{step, host}]; ok {
		return d, true
	}
	for _, dc := range res.Decisions {
		if dc.Skip && dc.StepHost == (StepHost{step, host}) {
			return Done{Run: res.RunID, Outcome: OutcomeSkipped, Decided: true}, true
		}
	}
	return Done{}, false
}
