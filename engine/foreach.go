package engine

import (
	"context"

	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// runForEach runs a step with for_each: its instances in key order, each
// as a step of its own (its own StepRun, address, audit records and gate)
// with each.key and each.value in scope. A for_each known only at apply
// defers a diagnosis in a plan, and fails a repair: a repair's instances
// must be known to be previewed and approved. No instances (an empty map
// or set) skips the step.
func (r *runner) runForEach(ctx context.Context, st *runbooks.Step) []*StepRun {
	if r.stopped != "" || ctx.Err() != nil {
		return []*StepRun{r.runStep(ctx, st)}
	}
	v, diags := st.ForEach.Value(r.scope.markedContext(nil, cty.NilVal))
	var insts []runbooks.Instance
	known := true
	if !diags.HasErrors() {
		var d = diags
		insts, known, d = runbooks.ForEachInstances(v, st.ForEach.Range())
		diags = append(diags, d...)
	}
	switch {
	case diags.HasErrors():
		return []*StepRun{r.blockOnly(st, func(sr *StepRun) {
			r.failWhole(st, sr, "for_each = "+sourceText(r.req.Runbook, st.ForEach.Range()), diagErr(diags))
			r.afterStep(st, sr)
		})}
	case !known && (st.Phase == runbooks.Repair || r.mode == ModeApply):
		err := sourceErrorf(steps.ClassConfig, st.ForEach.Range(),
			"%s: for_each is not known yet (it depends on a result known only at apply), but a repair's instances must be known to be previewed and approved; "+
				"make the diagnoses it uses run in plan (plan = \"run\"), or split the runbook", st.Address())
		return []*StepRun{r.blockOnly(st, func(sr *StepRun) {
			r.failWhole(st, sr, "for_each", err)
			r.afterStep(st, sr)
		})}
	case !known:
		return []*StepRun{r.blockOnly(st, func(sr *StepRun) {
			sr.Status, sr.Reason = StatusDeferred, "for_each is known only at apply (it depends on a result known only then); its instances run then"
			r.scope.set(st, cty.UnknownVal(r.valueType(st)))
		})}
	case len(insts) == 0:
		return []*StepRun{r.blockOnly(st, func(sr *StepRun) {
			sr.Status, sr.Reason = StatusSkipped, "for_each is empty: no instances"
			r.scope.set(st, cty.MapValEmpty(runbooks.StepValueType(r.stepType(st).Output(), st.Phase)))
		})}
	}
	out := make([]*StepRun, 0, len(insts))
	rest := r.rest
	for i, inst := range insts {
		if i < len(insts)-1 { // the next instances may go to this one's hosts
			r.enter(append([]*runbooks.Step{st}, rest...), false)
		} else {
			r.enter(rest, true)
		}
		r.scope.setEach(runbooks.EachValue(inst))
		out = append(out, r.runStep(ctx, st.Instance(inst.Key)))
		r.scope.setEach(cty.NilVal) // the block's on is not this instance's
		r.sweep()
	}
	r.scope.setEach(cty.NilVal)
	return out
}

// blockOnly reports a step with for_each as its block alone (no
// instances): fill sets its status and value.
func (r *runner) blockOnly(st *runbooks.Step, fill func(*StepRun)) *StepRun {
	sr := r.newStepRun(st)
	r.e.opts.Hook.StepStart(sr)
	defer r.e.opts.Hook.StepDone(sr)
	fill(sr)
	return sr
}

// instancesValue is the value of a step with for_each: its instances'
// values by key, a map when they have one type, else an object (which
// indexes the same way).
func instancesValue(insts map[string]cty.Value) cty.Value {
	var first cty.Type
	for _, v := range insts {
		if first == cty.NilType {
			first = v.Type()
		} else if !v.Type().Equals(first) {
			return cty.ObjectVal(insts)
		}
	}
	if len(insts) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.MapVal(insts)
}
