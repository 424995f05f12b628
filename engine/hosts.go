package engine

import (
	"context"
	"fmt"
	"sync"

	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// hostTask is one step on one host as it moves through prepare, gate and
// run.
type hostTask struct {
	host      *runbooks.InventoryHost // nil for a step without `on`
	result    *HostRun
	output    cty.Value // NilVal: none
	marked    cty.Value // output with its sensitive marks, when it has any
	cfg       any
	planned   any    // the preview's Observed, for Apply
	done      bool   // nothing left to do (skipped, failed, unknown, no-op)
	resumed   string // the run that did this repair, when a resumed apply skips it
	changed   bool
	sensitive bool // an argument derives from a sensitive value
}

func (t *hostTask) name() string {
	if t.host == nil {
		return ""
	}
	return t.host.Name
}

// runHosts runs a step on its targets: in parallel up to the engine's
// bound, in batches of `serial` when set (a failed batch stops the rest).
func (r *runner) runHosts(ctx context.Context, st *runbooks.Step, sr *StepRun, targets []*runbooks.InventoryHost) {
	tasks := make([]*hostTask, len(targets))
	for i, h := range targets {
		tasks[i] = &hostTask{host: h, result: &HostRun{Status: StatusOk}}
		if h != nil {
			tasks[i].result.Host = h.Name
		}
	}
	r.deferHosts(st, sr, tasks)
	batch := len(tasks)
	if st.Serial > 0 && st.Serial < batch {
		batch = st.Serial
	}
	for start := 0; start < len(tasks); start += batch {
		group := tasks[start:min(start+batch, len(tasks))]
		if start > 0 && (anyFailed(tasks[:start]) || r.isStopped()) {
			for _, t := range group {
				t.result.Status, t.done = StatusNotRun, true
				t.result.Summary = "not run: an earlier batch failed or was refused"
			}
			continue
		}
		r.runBatch(ctx, st, sr, group)
	}
	r.digestResults(st, tasks)
	for _, t := range tasks {
		sr.Hosts = append(sr.Hosts, t.result)
	}
	r.storeValue(st, tasks)
	r.expectDiagnosed(st, sr)
}

// storeValue records a step's value from its hosts' tasks, in target
// order, for later references.
func (r *runner) storeValue(st *runbooks.Step, tasks []*hostTask) {
	outs := make([]hostOutput, 0, len(tasks))
	marked := make([]hostOutput, 0, len(tasks))
	anyMarked := false
	changed := cty.False
	for _, t := range tasks {
		hostChanged := cty.BoolVal(t.changed)
		switch {
		case t.changed:
			changed = cty.True
		case t.result.Status == StatusChange || t.result.Status == StatusUnknown:
			// A plan cannot know yet whether the repair will change
			// anything: what depends on it is "known at apply".
			hostChanged = cty.UnknownVal(cty.Bool)
			if changed != cty.True {
				changed = cty.UnknownVal(cty.Bool)
			}
		}
		o := hostOutput{host: t.name(), output: t.output, status: t.result.Status, changed: hostChanged}
		outs = append(outs, o)
		if t.marked != cty.NilVal {
			anyMarked = true
			o.output = t.marked
		}
		marked = append(marked, o)
	}
	r.scope.set(st, stepValue(st, r.stepType(st), outs, changed))
	if anyMarked {
		r.scope.setMarked(st, stepValue(st, r.stepType(st), marked, changed))
	}
}

// deferHosts defers, in a plan, a diagnosis on the hosts an earlier
// pending repair would change (see pendingChanges); with plan = "run" it
// runs there anyway and the step says so.
func (r *runner) deferHosts(st *runbooks.Step, sr *StepRun, tasks []*hostTask) {
	if r.mode != ModePlan || st.Phase != runbooks.Diagnose {
		return
	}
	for _, t := range tasks {
		why := r.pending.hostDeferral(t.name())
		switch {
		case why == "" || t.host == nil:
		case st.PlanRun:
			if sr.Reason == "" {
				sr.Reason = fmt.Sprintf("runs in plan (plan = \"run\") although it %s", why)
			}
		default:
			t.result.Status, t.done = StatusDeferred, true
			t.result.Summary = why + "; known at apply"
			t.output = unknownOutput(r.stepType(st))
		}
	}
}

// anyFailed reports whether a host of an earlier batch failed, was
// refused its gate or lost its connection mid-repair: a rolling step does
// not go on to the next batch then.
func anyFailed(tasks []*hostTask) bool {
	for _, t := range tasks {
		switch t.result.Status {
		case StatusFailed, StatusOutcomeUnknown, StatusRefused:
			return true
		}
	}
	return false
}

// runBatch: every host is prepared (when, config, preview); an apply of a
// gated repair then asks the approver once for the whole batch; then the
// hosts run.
func (r *runner) runBatch(ctx context.Context, st *runbooks.Step, sr *StepRun, group []*hostTask) {
	r.parallel(group, func(t *hostTask) {
		if !t.done && !r.resumedDone(st, t) {
			r.prepare(ctx, st, t)
		}
	})
	if st.Phase == runbooks.Repair && !r.expectPreviews(st, sr, group) {
		return
	}
	if st.Phase == runbooks.Repair && r.mode == ModeApply && st.Approval != nil {
		if !r.gate(ctx, st, sr, group) {
			return
		}
	}
	r.execGroup(ctx, st, group, func(t *hostTask) { r.e.opts.Hook.HostDone(sr, t.result) })
}

// parallel calls fn for every task, at most Parallelism at once.
func (r *runner) parallel(tasks []*hostTask, fn func(*hostTask)) {
	sem := make(chan struct{}, r.e.opts.Parallelism)
	var wg sync.WaitGroup
	for _, t := range tasks {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			fn(t)
		}()
	}
	wg.Wait()
}

// fail records an error on a task.
func (r *runner) fail(t *hostTask, err error) {
	t.result.Status = StatusFailed
	t.result.Error = r.redact.String(err.Error())
	t.result.ErrorClass = steps.Classify(err)
	t.done = true
}

// release gives back a task's host handle once the step is done with it
// there, retiring the connection when the engine knows that no later step
// goes to the host (r.later).
func (r *runner) release(t *hostTask, mh steps.MutableHost) {
	last := r.later != nil && t.host != nil && !r.later[t.host.Name]
	r.conns.put(t.host, mh, last)
}

// connect returns the task's host handle (nil for a step without `on`).
func (r *runner) connect(ctx context.Context, t *hostTask) (steps.MutableHost, error) {
	if t.host == nil {
		return nil, nil
	}
	return r.conns.get(ctx, t.host)
}
