package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// stageRun is the state of one stage while it runs.
type stageRun struct {
	sg      *runbooks.Stage
	out     *StageRun
	srs     []*StepRun // the stage's steps, then its between_batches checks
	hosts   []*runbooks.InventoryHost
	active  []*runbooks.InventoryHost // hosts where the stage's when holds
	skipped map[string]string         // host -> why the stage's when excluded it
	// targets[i] is the hosts step i runs on (its own on, else the
	// stage's); tasks[i] its tasks by host, filled batch by batch.
	targets [][]*runbooks.InventoryHost
	tasks   []map[string]*hostTask
	failed  map[string]string // host -> the step it failed (it dropped out)
	nFailed int
	stopped string // why the roll stopped; "" while it goes on
}

// runStage runs a stage: its steps on one batch of hosts after the other
// (each step on every host of the batch before the next step, as
// Ansible's linear strategy), the between_batches checks after every
// batch but the last, and stops the roll when a check fails, a gate is
// refused or more hosts failed than max_failures allows.
func (r *runner) runStage(ctx context.Context, sg *runbooks.Stage) []*StepRun {
	s := &stageRun{sg: sg, failed: map[string]string{}, skipped: map[string]string{},
		out: &StageRun{Name: sg.Name, Line: sg.DeclRange.Start.Line, Settings: sg.Describe()}}
	r.run.Stages = append(r.run.Stages, s.out)
	all := slices.Concat(sg.Steps, sg.BetweenBatches)
	for _, st := range all {
		sr := r.newStepRun(st)
		if st.Approval != nil {
			reason, err := r.approvalReason(st)
			if err != nil {
				reason = "(cannot be rendered: " + r.redact.String(err.Error()) + ")"
			}
			sr.Approval = reason
		}
		s.srs = append(s.srs, sr)
		if st.Between {
			s.out.BetweenBatches = append(s.out.BetweenBatches, sr.Address)
		} else {
			s.out.Steps = append(s.out.Steps, sr.Address)
		}
		r.e.opts.Hook.StepStart(sr)
	}
	defer func() {
		for _, sr := range s.srs {
			r.e.opts.Hook.StepDone(sr)
		}
	}()
	switch {
	case r.stopped != "":
		s.notRunAll(r, "not run: "+r.stopped)
		return s.srs
	case ctx.Err() != nil:
		r.stopOnce("interrupted")
		s.notRunAll(r, "not run: interrupted")
		return s.srs
	}
	if !r.stageTargets(s) {
		return s.srs
	}
	batch := sg.BatchSize(len(s.active))
	if sg.Barrier {
		batch = len(s.active)
	}
	for start := 0; start < len(s.active); start += batch {
		b := &BatchRun{Number: len(s.out.Batches) + 1}
		for _, h := range s.active[start:min(start+batch, len(s.active))] {
			b.Hosts = append(b.Hosts, h.Name)
		}
		s.out.Batches = append(s.out.Batches, b)
	}
	for i, b := range s.out.Batches {
		if s.stopped != "" || r.isStopped() || ctx.Err() != nil {
			break
		}
		r.batch = fmt.Sprintf("stage %s, batch %d of %d: %s", sg.Name, b.Number, len(s.out.Batches), strings.Join(b.Hosts, ", "))
		r.audit.batch = r.batch
		r.runStageBatch(ctx, s, b)
		r.batch, r.audit.batch = "", ""
		if s.stopped == "" && i < len(s.out.Batches)-1 {
			r.runBetween(ctx, s, b)
		}
		r.auditBatch(s, b)
	}
	r.finishStage(ctx, s)
	return s.srs
}

// stageTargets resolves the stage's hosts, its when per host and each
// step's own on. It reports false when the stage cannot run (every step
// is then marked).
func (r *runner) stageTargets(s *stageRun) bool {
	sg := s.sg
	first := sg.Steps[0]
	names, known, err := evalTargets(sg.On, r.scope.evalContext(nil, cty.NilVal))
	if err == nil && known && r.req.Inventory == nil {
		err = sourceErrorf(steps.ClassConfig, sg.On.Range(), "stage %q has `on` but no inventory was given (-i)", sg.Name)
	}
	if err == nil && known {
		s.hosts, err = r.req.Inventory.Resolve(names)
		if err != nil {
			err = sourceErrorf(steps.ClassConfig, sg.On.Range(), "%v", err)
		}
	}
	switch {
	case err != nil:
		r.failWhole(first, s.srs[0], "on = "+sourceText(r.req.Runbook, sg.On.Range()), err)
		s.srs[0].Status = StatusFailed
		s.stopAll(r, fmt.Sprintf("stage %s could not resolve its hosts", sg.Name))
		return false
	case !known:
		for i, st := range slices.Concat(sg.Steps, sg.BetweenBatches) {
			s.srs[i].Status, s.srs[i].Reason = r.unknownStatus(st), "the stage's on depends on a value known at apply"
			r.scope.set(st, cty.UnknownVal(r.valueType(st)))
		}
		return false
	}
	for _, h := range s.hosts {
		if sg.When == nil {
			s.active = append(s.active, h)
			continue
		}
		ok, known, err := evalBool(sg.When, r.scope.evalContext(h, cty.NilVal))
		switch {
		case err != nil:
			r.failWhole(first, s.srs[0], h.Name, fmt.Errorf("stage %s when: %w", sg.Name, err))
			s.srs[0].Status = StatusFailed
			s.stopAll(r, fmt.Sprintf("stage %s: its when failed on %s", sg.Name, h.Name))
			return false
		case known && !ok:
			s.skipped[h.Name] = fmt.Sprintf("stage %s: when = %s is false", sg.Name, sourceText(r.req.Runbook, sg.When.Range()))
			s.out.Skipped = append(s.out.Skipped, h.Name)
		default:
			// Unknown in a plan: the host is kept, its steps say what
			// they can.
			s.active = append(s.active, h)
		}
	}
	inStage := map[string]bool{}
	for _, h := range s.hosts {
		inStage[h.Name] = true
	}
	for i, st := range sg.Steps {
		targets := s.hosts
		if st.On != nil {
			t, known, err := r.targets(st)
			if err == nil && !known {
				err = sourceErrorf(steps.ClassConfig, st.On.Range(), "a step's on inside a stage must be known when the stage starts")
			}
			for _, h := range t {
				if err == nil && !inStage[h.Name] {
					err = sourceErrorf(steps.ClassConfig, st.On.Range(), "host %s is not one of stage %s's hosts (%s): a step in a stage may only narrow the stage's on",
						h.Name, sg.Name, strings.Join(hostNames(s.hosts), ", "))
				}
			}
			if err != nil {
				r.failWhole(st, s.srs[i], "on = "+sourceText(r.req.Runbook, st.On.Range()), err)
				s.srs[i].Status = StatusFailed
				s.stopAll(r, fmt.Sprintf("%s failed", st.Address()))
				return false
			}
			targets = t
		}
		s.targets = append(s.targets, targets)
		s.tasks = append(s.tasks, map[string]*hostTask{})
		r.targetsOf[st.Address()] = hostNames(targets)
	}
	for i, st := range sg.Steps {
		trs := stepTraversals(st)
		trs = append(trs, localTraversals(trs, r.req.Runbook.Locals)...)
		if diags := singleHostRefs(trs, r.targetsOf); diags.HasErrors() {
			r.failWhole(st, s.srs[i], "", diagErr(diags))
			s.srs[i].Status = StatusFailed
			s.stopAll(r, fmt.Sprintf("%s failed", st.Address()))
			return false
		}
	}
	return true
}

// runStageBatch runs every step of the stage on one batch.
func (r *runner) runStageBatch(ctx context.Context, s *stageRun, b *BatchRun) {
	sg := s.sg
	b.Status = BatchDone
	if r.mode == ModePlan {
		b.Status = BatchPlanned
	}
	for i, st := range sg.Steps {
		sr := s.srs[i]
		var group []*hostTask
		for _, h := range s.targets[i] {
			if !slices.Contains(b.Hosts, h.Name) {
				continue
			}
			t := &hostTask{host: h, result: &HostRun{Host: h.Name, Status: StatusOk, Batch: b.Number}}
			s.tasks[i][h.Name] = t
			if s.failed[h.Name] != "" {
				t.result.Status, t.done = StatusNotRun, true
				t.result.Summary = "not run: an earlier step of the stage failed on this host"
				continue
			}
			group = append(group, t)
		}
		if len(group) > 0 {
			r.runStageStep(ctx, s, st, sr, group)
		}
		r.storeValue(st, s.orderedTasks(i, func(int) string { return "not run yet" }))
		if r.mode == ModePlan && st.Phase == runbooks.Repair {
			r.pending.record(st, &StepRun{Address: st.Address(), Phase: steps.Repair, Hosts: taskResults(group)}, r.clusterWide(st))
		}
		s.count(st, group)
		if why := r.stageStop(s, st, group); why != "" {
			s.stopped = why
			b.Status, b.Reason = BatchFailed, why
			return
		}
	}
	for _, h := range b.Hosts {
		if s.failed[h] != "" {
			b.Status, b.Reason = BatchFailed, "failed on "+h+" (within max_failures "+sg.MaxFailuresText()+")"
		}
	}
}

// runStageStep runs one step of a stage on the hosts of a batch: all are
// prepared, a gate is asked once for the batch, then they run. In a
// barrier stage a host that fails to prepare keeps every host from
// running the step.
func (r *runner) runStageStep(ctx context.Context, s *stageRun, st *runbooks.Step, sr *StepRun, group []*hostTask) {
	defer func() {
		for _, t := range group {
			r.e.opts.Hook.HostDone(sr, t.result)
		}
	}()
	if r.deferTasks(st, sr, group) {
		return
	}
	if err := r.scope.localError(st); err != nil {
		for _, t := range group {
			r.fail(t, err)
		}
		return
	}
	r.parallel(group, func(t *hostTask) {
		if !t.done && !r.resumedDone(st, t) {
			r.prepare(ctx, st, t)
		}
	})
	if s.sg.Barrier {
		for _, t := range group {
			if t.result.Status != StatusFailed {
				continue
			}
			for _, o := range group {
				if !o.done {
					o.result.Status, o.done = StatusNotRun, true
					o.result.Summary = fmt.Sprintf("not run: barrier stage %s, and the step failed on %s", s.sg.Name, t.name())
				}
			}
			return
		}
	}
	if st.Phase == runbooks.Repair && !r.expectPreviews(st, sr, group) {
		return
	}
	if st.Phase == runbooks.Repair && r.mode == ModeApply && st.Approval != nil {
		if !r.gate(ctx, st, sr, group) {
			return
		}
	}
	r.execGroup(ctx, st, group, func(*hostTask) {})
	r.digestResults(st, group)
}

// count notes the hosts of a batch that failed a step: they drop out of
// the stage's later steps. A failure ignored with on_failure = "continue"
// does not count.
func (s *stageRun) count(st *runbooks.Step, group []*hostTask) {
	for _, t := range group {
		switch t.result.Status {
		case StatusFailed:
			if st.OnFailure == runbooks.OnFailureContinue {
				continue
			}
		case StatusOutcomeUnknown, StatusRefused:
		default:
			continue
		}
		if s.failed[t.name()] == "" {
			s.failed[t.name()] = st.Address()
			s.nFailed++
		}
	}
}

// stageStop says why the roll must stop after step st ran on a batch, or
// "" when it goes on.
func (r *runner) stageStop(s *stageRun, st *runbooks.Step, group []*hostTask) string {
	for _, t := range group {
		switch t.result.Status {
		case StatusRefused:
			return fmt.Sprintf("approval for %s was not granted", st.Address())
		case StatusOutcomeUnknown:
			return fmt.Sprintf("outcome of %s on %s is unknown", st.Address(), t.name())
		case StatusFailed:
			if s.sg.Barrier && st.OnFailure != runbooks.OnFailureContinue {
				return fmt.Sprintf("%s failed on %s, so no host of barrier stage %s moves on", st.Address(), t.name(), s.sg.Name)
			}
		}
	}
	if s.nFailed > 0 && s.sg.TooManyFailures(s.nFailed, len(s.active)) {
		return fmt.Sprintf("%d of %d hosts failed (%s), more than max_failures = %s allows",
			s.nFailed, len(s.active), strings.Join(s.failedNames(), ", "), s.sg.MaxFailuresText())
	}
	if r.isStopped() {
		return r.stopped
	}
	return ""
}

func (s *stageRun) failedNames() []string {
	var out []string
	for _, h := range s.active {
		if step := s.failed[h.Name]; step != "" {
			out = append(out, h.Name+" at "+step)
		}
	}
	return out
}

// runBetween runs the between_batches checks after batch b. The first
// that fails stops the roll.
func (r *runner) runBetween(ctx context.Context, s *stageRun, b *BatchRun) {
	for i, st := range s.sg.BetweenBatches {
		sr := s.srs[len(s.sg.Steps)+i]
		if why := r.planDeferral(st, r.stepRefs(st)); why != "" && !st.PlanRun {
			names := []string{""}
			if targets, known, err := r.targets(st); err == nil && known {
				names = hostNames(targets)
			}
			for _, h := range names {
				sr.Hosts = append(sr.Hosts, &HostRun{Host: h, Status: StatusDeferred, Batch: b.Number, Summary: why + "; known at apply"})
			}
			r.scope.set(st, cty.UnknownVal(r.valueType(st)))
			continue
		}
		one := &StepRun{Address: sr.Address, Phase: sr.Phase, Type: sr.Type, Name: sr.Name, Line: sr.Line}
		targets, known, err := r.targets(st)
		switch {
		case err != nil:
			r.failWhole(st, one, "on = "+sourceText(r.req.Runbook, st.On.Range()), err)
		case !known:
			one.Hosts = []*HostRun{{Status: StatusDeferred, Summary: "on depends on a value known at apply"}}
			r.scope.set(st, cty.UnknownVal(r.valueType(st)))
		default:
			r.targetsOf[st.Address()] = hostNames(targets)
			r.runHosts(ctx, st, one, targets)
		}
		for _, h := range one.Hosts {
			h.Batch = b.Number
		}
		sr.Hosts = append(sr.Hosts, one.Hosts...)
		status := aggregate(one.Phase, r.mode, one.Hosts)
		if status == StatusFailed && st.OnFailure == runbooks.OnFailureContinue {
			sr.FailureIgnored = true
			continue
		}
		if status == StatusFailed || r.isStopped() {
			why := fmt.Sprintf("between_batches check %s failed after batch %d", st.Address(), b.Number)
			s.stopped = why
			b.Status, b.Reason = BatchFailed, why
			return
		}
	}
}

// finishStage marks what the stopped roll did not run, puts each step's
// hosts in order and decides whether the run goes on.
func (r *runner) finishStage(ctx context.Context, s *stageRun) {
	sg := s.sg
	why := s.stopped
	if why == "" && r.isStopped() {
		why = r.stopped
	}
	if why == "" && ctx.Err() != nil {
		why = "interrupted"
	}
	var done []string
	for _, b := range s.out.Batches {
		if b.Status == "" {
			b.Status = BatchNotRun
			b.Reason = "the roll stopped before it"
			if last := lastRun(s.out.Batches); last > 0 {
				b.Reason = fmt.Sprintf("the roll stopped after batch %d", last)
			}
			r.auditBatch(s, b)
			continue
		}
		if b.Status == BatchDone || b.Status == BatchPlanned {
			done = append(done, fmt.Sprint(b.Number))
		}
	}
	if why != "" {
		s.stopped = why
		s.out.Stopped = why
	}
	for i, st := range sg.Steps {
		sr := s.srs[i]
		tasks := s.orderedTasks(i, func(b int) string {
			if last := lastRun(s.out.Batches); last > 0 && b > last {
				return fmt.Sprintf("not run: the roll stopped after batch %d", last)
			}
			return "not run: " + why
		})
		for _, t := range tasks {
			sr.Hosts = append(sr.Hosts, t.result)
		}
		r.storeValue(st, tasks)
		sr.Status = aggregate(sr.Phase, r.mode, sr.Hosts)
		sr.Reason = reachedReason(sr, r.mode, why)
		if sr.Status == StatusFailed && st.OnFailure == runbooks.OnFailureContinue {
			sr.FailureIgnored = true
		}
		r.expectDiagnosed(st, sr)
	}
	for i, st := range sg.BetweenBatches {
		sr := s.srs[len(sg.Steps)+i]
		if len(sr.Hosts) == 0 {
			sr.Status, sr.Reason = StatusNotRun, "not run: no batch ended before the roll stopped or finished"
			if len(s.out.Batches) <= 1 && why == "" {
				sr.Status, sr.Reason = StatusSkipped, "only one batch: nothing runs between batches"
			}
			r.scope.set(st, cty.NullVal(r.valueType(st)))
			continue
		}
		if sr.Status == "" {
			sr.Status = aggregate(sr.Phase, r.mode, sr.Hosts)
		}
	}
	if why != "" {
		r.stopOnce(fmt.Sprintf("stage %s stopped: %s (batches done: %s; not done: %s)",
			sg.Name, why, listOrNone(done), listOrNone(notDone(s.out.Batches))))
	}
}

// orderedTasks returns step i's tasks in target order; a host the step
// has no task for gets one marked skipped (the stage's when) or not run.
func (s *stageRun) orderedTasks(i int, notRun func(batch int) string) []*hostTask {
	var out []*hostTask
	for _, h := range s.targets[i] {
		if t := s.tasks[i][h.Name]; t != nil {
			out = append(out, t)
			continue
		}
		t := &hostTask{host: h, result: &HostRun{Host: h.Name, Status: StatusNotRun}, done: true}
		if why, ok := s.skipped[h.Name]; ok {
			t.result.Status, t.result.Summary = StatusSkipped, why
		} else {
			t.result.Batch = s.batchOf(h.Name)
			t.result.Summary = notRun(t.result.Batch)
		}
		out = append(out, t)
	}
	return out
}

func (s *stageRun) batchOf(host string) int {
	for _, b := range s.out.Batches {
		if slices.Contains(b.Hosts, host) {
			return b.Number
		}
	}
	return 0
}

// notRunAll marks every step of a stage that never started.
func (s *stageRun) notRunAll(r *runner, why string) {
	for i, st := range slices.Concat(s.sg.Steps, s.sg.BetweenBatches) {
		s.srs[i].Status, s.srs[i].Reason = StatusNotRun, why
		r.scope.set(st, cty.NullVal(r.valueType(st)))
	}
}

// stopAll stops the run at a stage that failed before any batch ran.
func (s *stageRun) stopAll(r *runner, why string) {
	for i, st := range slices.Concat(s.sg.Steps, s.sg.BetweenBatches) {
		if s.srs[i].Status == "" {
			s.srs[i].Status, s.srs[i].Reason = StatusNotRun, "not run: "+why
			r.scope.set(st, cty.NullVal(r.valueType(st)))
		}
	}
	s.out.Stopped = why
	r.stopOnce(why)
}

// auditBatch records how a batch went.
func (r *runner) auditBatch(s *stageRun, b *BatchRun) {
	if err := r.audit.stageBatch(s.sg.Address(), b, len(s.out.Batches)); err != nil {
		r.stopOnce(fmt.Sprintf("the audit log cannot be written: %v", err))
	}
}

func lastRun(bs []*BatchRun) int {
	n := 0
	for _, b := range bs {
		if b.Status != "" && b.Status != BatchNotRun {
			n = b.Number
		}
	}
	return n
}

func notDone(bs []*BatchRun) []string {
	var out []string
	for _, b := range bs {
		if b.Status != BatchDone && b.Status != BatchPlanned {
			out = append(out, fmt.Sprintf("%d (%s)", b.Number, strings.Join(b.Hosts, ", ")))
		}
	}
	return out
}

func listOrNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}

// reachedReason gives a stage step that ran on some hosts the status of
// those hosts, and says which hosts it did not reach (not run, or in a
// plan deferred) and why. It returns the step's reason.
func reachedReason(sr *StepRun, mode Mode, why string) string {
	var reached []*HostRun
	var notRun, deferred []string
	for _, h := range sr.Hosts {
		switch h.Status {
		case StatusNotRun:
			notRun = append(notRun, h.Host)
		case StatusDeferred:
			deferred = append(deferred, h.Host)
		default:
			reached = append(reached, h)
		}
	}
	if why == "" {
		why = "an earlier step of the stage failed there"
	}
	if len(reached) == 0 || len(notRun)+len(deferred) == 0 {
		if len(notRun) > 0 {
			return "not run: " + why
		}
		return sr.Reason
	}
	sr.Status = aggregate(sr.Phase, mode, reached)
	var parts []string
	if len(notRun) > 0 {
		parts = append(parts, fmt.Sprintf("not run on %s: %s", strings.Join(notRun, ", "), why))
	}
	if len(deferred) > 0 {
		parts = append(parts, fmt.Sprintf("deferred on %s: known at apply", strings.Join(deferred, ", ")))
	}
	return strings.Join(parts, "; ")
}
