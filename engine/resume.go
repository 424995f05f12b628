package engine

import (
	"fmt"
	"maps"
	"slices"

	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/hostlock"
	"github.com/mend-sh/mend/runbooks"
)

// resumeStart is the run_start record of a run: its facts (Request.Facts)
// and, when it resumes a run, that run's id.
func (r *runner) resumeStart(rec *audit.Record) {
	if len(r.req.Facts) == 0 && r.req.Resume == nil {
		return
	}
	rec.Detail = maps.Clone(r.req.Facts)
	if rec.Detail == nil {
		rec.Detail = map[string]string{}
	}
	if r.req.Resume != nil {
		rec.Detail[audit.DetailResumes] = r.req.Resume.RunID
	}
}

// recordDecisions writes the operator's decision about each repair whose
// outcome was unknown in the resumed run, before anything runs.
func (r *runner) recordDecisions() error {
	res := r.req.Resume
	if res == nil {
		return nil
	}
	for _, d := range res.Decisions {
		decision, why := audit.DecisionRerun, "run it again (--rerun-unknown)"
		if d.Skip {
			decision, why = audit.DecisionSkip, "count it as done without running it (--skip-unknown)"
		}
		rec := audit.Record{Event: audit.EventNote, Step: d.Step, Host: d.Host,
			Reason: fmt.Sprintf("outcome unknown in run %s; the operator decided: %s", res.RunID, why),
			Detail: map[string]string{audit.DetailDecision: decision, audit.DetailResumes: res.RunID}}
		if err := r.audit.append(rec); err != nil {
			return err
		}
	}
	return nil
}

// resumedDone skips, in an apply resuming a run, a repair on a host that
// the run finished (or whose unknown outcome the operator decided to
// count as done): the task is done without running, keeps the recorded
// `changed`, and the skip is audited with the run that did it.
func (r *runner) resumedDone(st *runbooks.Step, t *hostTask) bool {
	if r.req.Resume == nil || r.mode != ModeApply || st.Phase != runbooks.Repair {
		return false
	}
	d, ok := r.req.Resume.DoneOn(st.Address(), t.name())
	if !ok {
		return false
	}
	t.done, t.resumed = true, d.Run
	t.changed = d.Outcome == audit.OutcomeChanged
	t.result.Status = StatusSkipped
	t.result.Summary = fmt.Sprintf("done in run %s (%s)", d.Run, d.Outcome)
	detail := map[string]string{audit.DetailDoneIn: d.Run, audit.DetailDoneOutcome: string(d.Outcome), "summary": t.result.Summary}
	if d.Decided {
		t.result.Summary = fmt.Sprintf("outcome unknown in run %s; skipped by the operator's decision (--skip-unknown)", r.req.Resume.RunID)
		detail = map[string]string{audit.DetailDecision: audit.DecisionSkip, "summary": t.result.Summary}
	}
	rec := audit.Record{Event: audit.EventStepFinish, Step: st.Address(), Host: t.name(), Outcome: audit.OutcomeSkipped,
		Reason: t.result.Summary, Detail: detail}
	if err := r.audit.append(rec); err != nil {
		r.stopOnce(fmt.Sprintf("the audit log cannot be written: %v", err))
	}
	return true
}

// passedBefore reports whether the resumed run compared this diagnose with
// the saved plan and went on: its result now may differ, because the
// repairs that run made since changed what it reads.
func (r *runner) passedBefore(st *runbooks.Step) bool {
	return r.req.Resume != nil && r.req.Resume.Passed[st.Address()]
}

// mayBreak says whether this apply may break a host lock held by another
// run, and why: --break-lock, or the lock is the one left by a run this
// apply resumes (--resume names that run, dead and not finished, and this
// machine: its run lock in the audit log is not held).
func (r *runner) mayBreak(held *hostlock.Holder) (why string, ok bool) {
	switch {
	case r.req.BreakLock:
		return "--break-lock", true
	case held != nil && held.Problem == "" && r.req.Resume != nil && r.mode == ModeApply &&
		held.Owner.Machine == r.e.opts.HostLocks.Machine && slices.Contains(r.req.Resume.Chain, held.Owner.RunID):
		return fmt.Sprintf("--resume %s: the run this apply resumes left it", r.req.Resume.RunID), true
	}
	return "", false
}
