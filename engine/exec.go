package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// prepare evaluates `when` and the step's arguments on one host and, for a
// repair, asks for a fresh preview. In a plan that is all a repair does.
func (r *runner) prepare(ctx context.Context, st *runbooks.Step, t *hostTask) {
	// Learn what derives from secrets before anything is evaluated for
	// real: an evaluation error may quote it (when = tonumber(var.token)).
	t.sensitive = r.redact.harvest(st.Config, r.scope.markedContext(t.host, cty.NilVal), st.When, st.On)
	ectx := r.scope.evalContext(t.host, cty.NilVal)
	if st.When != nil {
		ok, known, err := evalBool(st.When, ectx)
		switch {
		case err != nil:
			r.fail(t, err)
			return
		case !known:
			r.unknown(st, t, "known at apply: when depends on a value not known yet")
			return
		case !ok:
			t.result.Status, t.done = StatusSkipped, true
			t.result.Summary = fmt.Sprintf("when = %s is false", sourceText(r.req.Runbook, st.When.Range()))
			return
		}
	}
	cfg, known, err := decodeConfig(st, r.stepType(st), ectx)
	switch {
	case err != nil:
		r.fail(t, err)
		return
	case !known:
		r.unknown(st, t, "known at apply: its arguments depend on a value not known yet")
		return
	}
	t.cfg = cfg
	if st.Phase == runbooks.Repair {
		r.preview(ctx, st, t)
	}
}

// unknown marks a task as only knowable at apply (in a plan) or failed (in
// an apply, where every value must be known).
func (r *runner) unknown(st *runbooks.Step, t *hostTask, why string) {
	if r.mode == ModeApply {
		r.fail(t, sourceErrorf(steps.ClassInternal, st.DeclRange, "%s", why))
		return
	}
	t.result.Status, t.result.Summary, t.done = r.unknownStatus(st), why, true
	t.output = unknownOutput(r.stepType(st))
}

// moreOn reports whether later steps are known to go to t's host.
func (r *runner) moreOn(t *hostTask) bool {
	return t.host != nil && r.later[t.host.Name]
}

// preview calls a repair's Plan with a read-only host.
func (r *runner) preview(ctx context.Context, st *runbooks.Step, t *hostTask) {
	mh, err := r.connect(ctx, t)
	if err != nil {
		r.fail(t, err)
		return
	}
	defer func() {
		if t.done { // a plan, or a no-op: the step is done with the host
			r.release(t, mh)
		} else {
			r.conns.put(t.host, mh, false)
		}
	}()
	others := r.conns.resolver()
	defer others.release()
	var host steps.Host
	if mh != nil {
		host = readOnly{mh}
		if r.mode == ModeApply || r.moreOn(t) {
			steps.MoreCommands(mh) // the apply follows the preview
		}
	}
	sctx, cancel := withTimeout(ctx, st.Timeout)
	defer cancel()
	resp, err := r.stepType(st).(steps.Repairer).Plan(sctx, steps.PlanRequest{
		Config: t.cfg, Host: host, Hosts: others, Timeout: st.Timeout, SensitiveConfig: t.sensitive,
	})
	if err != nil {
		r.fail(t, locate(st, err))
		return
	}
	resp.Output = r.redact.unmarkOutput(resp.Output)
	p := r.redactPreview(resp.Preview)
	t.result.Preview, t.result.Summary = &p, p.Summary
	if c := r.previewCaveat(t); c != "" {
		t.result.Details = append(t.result.Details, c)
	}
	t.planned = resp.Observed
	switch resp.Action {
	case steps.NoOp:
		t.result.Status, t.done = StatusNoOp, true
		t.output = r.conform(st, t, resp.Output)
	case steps.Change:
		t.result.Status = StatusChange
	default:
		t.result.Status = StatusUnknown
	}
	if r.mode == ModePlan && !t.done {
		t.done = true
		if resp.Output == cty.NilVal || resp.Output.IsNull() {
			t.output = unknownOutput(r.stepType(st))
		} else {
			t.output = resp.Output
		}
	}
}

// previewCaveat warns, in a plan, that a preview was made against the
// host as it is now, while an earlier repair of the run that would change
// the same host has not run yet: at apply the preview may differ (a
// puppet run after the repair that enables the agent).
func (r *runner) previewCaveat(t *hostTask) string {
	if r.mode != ModePlan {
		return ""
	}
	earlier := r.pending.anywhere
	if t.host != nil && r.pending.hosts[t.name()] != "" {
		earlier = r.pending.hosts[t.name()]
	}
	if earlier == "" {
		return ""
	}
	return fmt.Sprintf("preview of the host as it is now: %s, pending before this, may change what it reports at apply", earlier)
}

func (r *runner) redactPreview(p steps.Preview) steps.Preview {
	p.Summary = r.redact.String(p.Summary)
	p.Diff = r.redact.String(p.Diff)
	p.Command = r.redact.String(p.Command)
	p.Changes = r.redact.Strings(append([]string(nil), p.Changes...))
	return p
}

// conform checks a step's output against its declared type; a mismatch is
// a bug in the step type and fails the host.
func (r *runner) conform(st *runbooks.Step, t *hostTask, v cty.Value) cty.Value {
	out, err := conformOutput(r.stepType(st), v)
	if err != nil {
		r.fail(t, outputMismatch(st, err))
		return cty.NilVal
	}
	return out
}

// outputMismatch is the error for a step type whose output does not
// conform to its declared Output type: a bug in the step type.
func outputMismatch(st *runbooks.Step, err error) error {
	return steps.Errorf(steps.ClassInternal, "step type %s returned an output that does not match its declared type: %v", st.Type, err)
}

func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

// execHost runs a diagnose, or applies a repair, on one host: intent record,
// attempts (retry), expectations, outcome record.
func (r *runner) execHost(ctx context.Context, st *runbooks.Step, t *hostTask) {
	mh, err := r.connect(ctx, t)
	if err != nil {
		r.fail(t, err)
		r.recordUnstarted(st, t)
		return
	}
	defer r.release(t, mh)
	if err := r.audit.stepStart(st.Address(), mh, t.name(), t.result.Preview); err != nil {
		r.failClosed(st, t, err)
		return
	}
	exit := r.attempts(ctx, st, t, mh)
	if err := r.audit.stepFinish(st.Address(), mh, t.name(), t.result, exit); err != nil {
		r.finishNotRecorded(t, err)
	}
}

// failClosed fails a host whose intent record could not be written: the
// step does not run there, and the run stops.
func (r *runner) failClosed(st *runbooks.Step, t *hostTask, err error) {
	r.fail(t, fmt.Errorf("%w; %s not run (fail closed)", err, st.Address()))
	r.stopOnce(fmt.Sprintf("the audit log cannot be written: %v", err))
}

// finishNotRecorded notes on a host that its outcome record could not be
// written, and stops the run.
func (r *runner) finishNotRecorded(t *hostTask, err error) {
	r.stopOnce(fmt.Sprintf("the audit log cannot be written: %v", err))
	t.result.Error = r.redact.String(err.Error())
}

// attempts runs the step on a connected host, retrying as the step says,
// and finishes the task; it returns the exit code for the outcome record.
func (r *runner) attempts(ctx context.Context, st *runbooks.Step, t *hostTask, mh steps.MutableHost) *int {
	attempts := 1
	var delay time.Duration
	if st.Retry != nil && st.Retry.Attempts > 1 {
		attempts, delay = st.Retry.Attempts, st.Retry.Delay
	}
	if mh != nil && (attempts > 1 || r.moreOn(t)) {
		steps.MoreCommands(mh)
	}
	start := time.Now()
	var out attemptResult
	changed := false
	for i := 1; i <= attempts; i++ {
		t.result.Attempts = i
		out = r.attempt(ctx, st, t, mh)
		// A repair attempt that changed the host before it failed still
		// changed it: what depends on `changed` must know.
		changed = changed || out.changed
		if out.err == nil || ctx.Err() != nil || i == attempts {
			break
		}
		// A repair whose connection died may or may not have run: its
		// outcome is unknown and retrying could run it twice. A diagnose
		// is read-only, so it is retried like any failure.
		if st.Phase == runbooks.Repair && steps.Classify(out.err) == steps.ClassTransport {
			break
		}
		if !sleepCtx(ctx, delay) {
			break
		}
	}
	t.result.DurationMS = time.Since(start).Milliseconds()
	out.changed = changed
	r.finish(st, t, out)
	return out.exit
}

// recordUnstarted writes a finish record for a host that could not even be
// reached, so the audit log shows the attempt.
func (r *runner) recordUnstarted(st *runbooks.Step, t *hostTask) {
	if err := r.audit.stepFinish(st.Address(), nil, t.name(), t.result, nil); err != nil {
		r.stopOnce(fmt.Sprintf("the audit log cannot be written: %v", err))
	}
}

// isStopped reports whether the run must not go on.
func (r *runner) isStopped() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopped != ""
}

func (r *runner) stopOnce(why string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped == "" {
		r.stopped = why
	}
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-tm.C:
		return true
	}
}
