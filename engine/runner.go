package engine

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// runner is the state of one Plan or Apply.
type runner struct {
	e      *Engine
	req    Request
	mode   Mode
	run    *Run
	scope  *scope
	redact *redactor
	audit  *auditor
	conns  *connections
	// pending is what a plan's repairs would change: diagnoses that
	// depend on it cannot observe the future and are deferred.
	pending *pendingChanges
	// stopped is set when the run must not go on (failed step with
	// on_failure = "stop", refused gate, audit failure).
	stopped string
	// batch names the stage batch running now ("" outside a stage), for
	// gates and their audit records.
	batch string
	mu    sync.Mutex // guards stopped while hosts run in parallel
	// targetsOf holds the host names of every step whose targets are
	// known, for singleHostRefs.
	targetsOf map[string][]string
	// used caches usedAttrs.
	used map[string]map[string]bool
	// rest are the steps after the one running (see enter); later the
	// hosts they go to, nil when not known before the step runs.
	rest  []*runbooks.Step
	later map[string]bool
	// locks are the host locks of the run (hostlock.go).
	locks lockSet
}

func (e *Engine) newRunner(req Request, mode Mode) *runner {
	rb := req.Runbook
	run := &Run{
		Mode:          mode,
		RunID:         e.runID(),
		Runbook:       rb.Filename,
		RunbookSHA256: rb.SHA256,
		Title:         rb.Title,
		PlanSHA256:    req.PlanSHA256,
	}
	if req.Resume != nil && mode == ModeApply {
		run.Resumes = req.Resume.RunID
	}
	r := &runner{
		e:         e,
		req:       req,
		mode:      mode,
		run:       run,
		scope:     newScope(rb.Dir(), req.Vars, req.Inventory, e.opts.Now()),
		redact:    newRedactor(req.Vars),
		targetsOf: map[string][]string{},
		pending:   newPendingChanges(),
	}
	r.scope.locals = rb.Locals
	r.audit = &auditor{sink: e.opts.Audit, run: run, operator: e.opts.Operator, redact: r.redact}
	r.conns = &connections{connector: e.opts.Connector, inventory: req.Inventory, audit: r.audit}
	return r
}

// execute runs every step in source order and returns the Run.
func (r *runner) execute(ctx context.Context) (*Run, error) {
	if diags := validate(r.req.Runbook, r.e.opts.Registry, r.req.Vars, r.req.Inventory); diags.HasErrors() {
		return r.run, fmt.Errorf("%s has errors, nothing was run (mend validate shows them all): %w", r.req.Runbook.Filename, diags)
	}
	if diags := r.req.Runbook.BindMeta(r.scope.markedContext(nil, cty.NilVal)); diags.HasErrors() {
		return r.run, fmt.Errorf("%s cannot run with these values, nothing was run: %w", r.req.Runbook.Filename, diags)
	}
	if err := r.audit.runStart(r.resumeStart); err != nil {
		return r.run, err
	}
	if err := r.recordDecisions(); err != nil {
		return r.run, err
	}
	// Learn every value the runbook derives from sensitive variables up
	// front, so that a step's output is redacted even when the derivation
	// is written in a later step (and host-specific parts are learned
	// again per host when the step runs).
	for _, st := range r.req.Runbook.Steps {
		r.redact.harvest(st.Config, r.scope.markedContext(nil, cty.NilVal), st.When, st.On)
	}
	r.startLocks(ctx)
	all := r.req.Runbook.Steps
	for i := 0; i < len(all); i++ {
		st := all[i]
		if sg := st.Stage; sg != nil {
			// A stage's steps and between_batches checks are contiguous.
			n := len(sg.Steps) + len(sg.BetweenBatches)
			r.enter(all[i+n:], false) // a batch's hosts stay until the stage ends
			r.run.Steps = append(r.run.Steps, r.runStage(ctx, sg)...)
			r.sweep()
			i += n - 1
			continue
		}
		r.enter(all[i+1:], true)
		if st.ForEach != nil {
			r.run.Steps = append(r.run.Steps, r.runForEach(ctx, st)...)
		} else {
			r.run.Steps = append(r.run.Steps, r.runStep(ctx, st))
		}
		r.sweep()
	}
	if r.stopped != "" {
		r.run.Err = r.stopped
	}
	r.endLocks(ctx)
	if err := r.audit.runEnd(); err != nil && r.run.Err == "" {
		r.run.Err = err.Error()
	}
	return r.run, nil
}

// runStep runs one step on all its hosts and records its value.
func (r *runner) runStep(ctx context.Context, st *runbooks.Step) *StepRun {
	sr := r.newStepRun(st)
	if st.Approval != nil {
		reason, err := r.approvalReason(st)
		if err != nil {
			reason = "(cannot be rendered: " + r.redact.String(err.Error()) + ")"
		}
		sr.Approval = reason
	}
	r.e.opts.Hook.StepStart(sr)
	defer r.e.opts.Hook.StepDone(sr)

	switch {
	case r.stopped != "":
		sr.Status, sr.Reason = StatusNotRun, "not run: "+r.stopped
		r.scope.set(st, cty.NullVal(r.valueType(st)))
		return sr
	case ctx.Err() != nil:
		sr.Status, sr.Reason = StatusNotRun, "not run: interrupted"
		r.stopped = "interrupted"
		return sr
	}
	trs := stepTraversals(st)
	trs = append(trs, localTraversals(trs, r.req.Runbook.Locals)...)
	if why := r.planDeferral(st, trs); why != "" {
		if st.PlanRun {
			sr.Reason = fmt.Sprintf("runs in plan (plan = \"run\") although it %s", why)
		} else {
			sr.Status, sr.Reason = StatusDeferred, fmt.Sprintf("%s; known at apply", why)
			r.scope.set(st, cty.UnknownVal(r.valueType(st)))
			if targets, known, err := r.targets(st); err == nil && known {
				r.targetsOf[st.Address()] = hostNames(targets)
			}
			r.pending.record(st, sr, r.clusterWide(st))
			return sr
		}
	}
	if diags := singleHostRefs(trs, r.targetsOf); diags.HasErrors() {
		r.failWhole(st, sr, "", diagErr(diags))
		r.afterStep(st, sr)
		return sr
	}
	if err := r.scope.localError(st); err != nil {
		r.failWhole(st, sr, "", err)
		r.afterStep(st, sr)
		return sr
	}

	targets, known, err := r.targets(st)
	if err == nil && known {
		r.targetsOf[st.Address()] = hostNames(targets)
	}
	switch {
	case err != nil:
		// `on` itself failed: no host can be named.
		r.failWhole(st, sr, "on = "+sourceText(r.req.Runbook, st.On.Range()), err)
	case known && len(targets) == 0:
		sr.Status, sr.Reason = StatusSkipped, "on resolved to no hosts"
		r.scope.set(st, stepValue(st, r.stepType(st), nil, cty.False))
		return sr
	case !known:
		sr.Status, sr.Reason = r.unknownStatus(st), "on depends on a value known at apply"
		r.scope.set(st, cty.UnknownVal(r.valueType(st)))
		return sr
	default:
		r.runHosts(ctx, st, sr, targets)
	}
	r.afterStep(st, sr)
	return sr
}

// newStepRun is the StepRun of a step (or of one instance) before it runs.
func (r *runner) newStepRun(st *runbooks.Step) *StepRun {
	sr := &StepRun{
		Address: st.Address(), Phase: stepsPhase(st.Phase), Type: st.Type, Name: st.Name,
		Line: st.DeclRange.Start.Line,
	}
	if key, ok := st.InstanceKey(); ok {
		sr.Key = &key
	}
	if st.Stage != nil {
		sr.Stage, sr.BetweenBatches = st.Stage.Name, st.Between
	}
	return sr
}

// planDeferral says why a plan cannot run a diagnosis as a whole yet
// (see pendingChanges); "" in an apply, for a repair, or when it can.
func (r *runner) planDeferral(st *runbooks.Step, trs []hcl.Traversal) string {
	if r.mode != ModePlan || st.Phase != runbooks.Diagnose {
		return ""
	}
	return r.pending.stepDeferral(st, trs)
}

// stepType is the step's type in the engine's registry.
func (r *runner) stepType(st *runbooks.Step) steps.Type {
	return stepType(r.e.opts.Registry, st)
}

// clusterWide reports whether the step is a repair whose change every
// host sees (steps.ClusterWide).
func (r *runner) clusterWide(st *runbooks.Step) bool {
	c, ok := r.stepType(st).(steps.ClusterWide)
	return ok && st.Phase == runbooks.Repair && c.ClusterWide()
}

// valueType is the type of the step's value as expressions see it: for
// the block of a step with for_each, a map of its instances' values.
func (r *runner) valueType(st *runbooks.Step) cty.Type {
	ty := runbooks.StepValueType(r.stepType(st).Output(), st.Phase)
	if _, isInstance := st.InstanceKey(); st.ForEach != nil && !isInstance {
		return cty.Map(ty)
	}
	return ty
}

// failWhole fails a step before any host ran it (its `on` failed, or it
// refers to something it cannot): the step fails with label as its host
// label, is audited, and has a null value so later references fail
// clearly, not confusingly.
func (r *runner) failWhole(st *runbooks.Step, sr *StepRun, label string, err error) {
	hr := &HostRun{Host: label, Status: StatusFailed, Error: r.redact.String(err.Error()), ErrorClass: steps.Classify(err)}
	sr.Hosts = []*HostRun{hr}
	r.scope.set(st, cty.NullVal(r.valueType(st)))
	if aerr := r.audit.stepFinish(st.Address(), nil, "", hr, nil); aerr != nil {
		r.stopOnce(fmt.Sprintf("the audit log cannot be written: %v", aerr))
	}
}

// unknownStatus is how a plan shows a step whose outcome it cannot know.
func (r *runner) unknownStatus(st *runbooks.Step) Status {
	if st.Phase == runbooks.Repair {
		return StatusUnknown
	}
	return StatusDeferred
}

// targets resolves `on` to inventory hosts; a step without `on` runs once
// with no host (nil element).
func (r *runner) targets(st *runbooks.Step) ([]*runbooks.InventoryHost, bool, error) {
	if st.On == nil {
		return []*runbooks.InventoryHost{nil}, true, nil
	}
	names, known, err := evalTargets(st.On, r.scope.evalContext(nil, cty.NilVal))
	if err != nil || !known {
		return nil, known, err
	}
	if r.req.Inventory == nil {
		return nil, false, sourceErrorf(steps.ClassConfig, st.On.Range(), "step has `on` but no inventory was given (-i)")
	}
	hosts, err := r.req.Inventory.Resolve(names)
	if err != nil {
		return nil, false, sourceErrorf(steps.ClassConfig, st.On.Range(), "%v", err)
	}
	return hosts, true, nil
}

// afterStep aggregates host results into the step status, stores the step's
// value, and decides whether the run goes on.
func (r *runner) afterStep(st *runbooks.Step, sr *StepRun) {
	if sr.Status == "" {
		sr.Status = aggregate(stepsPhase(st.Phase), r.mode, sr.Hosts)
	}
	if sr.Status == StatusFailed && st.OnFailure == runbooks.OnFailureContinue {
		sr.FailureIgnored = true
	}
	if sr.Status == StatusFailed && !sr.FailureIgnored && r.stopped == "" {
		r.stopped = fmt.Sprintf("%s failed", sr.Address)
	}
	if sr.Status == StatusRefused && r.stopped == "" {
		r.stopped = fmt.Sprintf("approval for %s was not granted", sr.Address)
	}
	if sr.Status == StatusOutcomeUnknown && r.stopped == "" {
		r.stopped = fmt.Sprintf("outcome of %s is unknown", sr.Address)
	}
	if r.mode == ModePlan {
		r.pending.record(st, sr, r.clusterWide(st))
	}
}

// aggregate derives a step's status from its hosts' statuses, worst first.
func aggregate(phase steps.Phase, mode Mode, hosts []*HostRun) Status {
	order := []Status{StatusOutcomeUnknown, StatusFailed, StatusRefused, StatusNotRun,
		StatusChanged, StatusChange, StatusUnknown, StatusDeferred, StatusOk, StatusNoOp}
	seen := map[Status]bool{}
	for _, h := range hosts {
		seen[h.Status] = true
	}
	for _, s := range order {
		if seen[s] {
			return s
		}
	}
	if len(hosts) > 0 {
		return StatusSkipped
	}
	if phase == steps.Repair {
		return StatusNoOp
	}
	return StatusOk
}
