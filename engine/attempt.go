package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// attemptResult is one try of a step on a host.
type attemptResult struct {
	output  cty.Value
	marked  cty.Value // output with the sensitive marks the step type set; NilVal if none
	err     error
	summary string
	details []string
	changed bool
	raw     []byte // stdout+stderr for the audit excerpt, when the output has them
	exit    *int
}

// attempt runs the step once, under its timeout, then its expectations.
func (r *runner) attempt(ctx context.Context, st *runbooks.Step, t *hostTask, mh steps.MutableHost) (res attemptResult) {
	sctx, cancel := withTimeout(ctx, st.Timeout)
	defer cancel()
	ev := evaluator{scope: r.scope, host: t.host}
	typ := r.stepType(st)
	rec := &evidence{sensitive: t.sensitive}
	others := r.conns.resolver()
	defer others.release()
	if mh != nil {
		mh = recordingHost{mh, rec}
	}
	switch st.Phase {
	case runbooks.Diagnose:
		var host steps.Host
		if mh != nil {
			host = readOnly{mh}
		}
		resp, err := typ.(steps.Diagnoser).Diagnose(sctx, steps.DiagnoseRequest{
			Config: t.cfg, Host: host, Hosts: others, Timeout: st.Timeout, Eval: ev, SensitiveConfig: t.sensitive,
		})
		res = attemptResult{output: resp.Output, err: err, summary: resp.Summary, details: resp.Details}
	case runbooks.Repair:
		resp, err := typ.(steps.Repairer).Apply(sctx, steps.ApplyRequest{
			Config: t.cfg, Host: mh, Hosts: others, Timeout: st.Timeout, SensitiveConfig: t.sensitive, Planned: t.planned,
		})
		res = attemptResult{output: resp.Output, err: err, summary: resp.Summary, details: resp.Details, changed: resp.Changed}
	}
	res.err = locate(st, res.err)
	defer func() {
		if res.raw == nil {
			res.raw = rec.bytes() // a step whose output has no stdout: what its commands printed
		}
	}()
	if res.err != nil && sctx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
		res.err = steps.Errorf(steps.ClassTimeout, "%s: timed out after %s: %v", st.Address(), st.Timeout, res.err)
	}
	if st.Sensitive && res.output != cty.NilVal && !res.output.IsNull() {
		res.output = res.output.Mark(runbooks.SensitiveMark) // sensitive = true: all of it
	}
	if res.output != cty.NilVal && res.output.ContainsMarked() {
		if m, err := conformOutput(typ, res.output); err == nil {
			res.marked = m
		}
	}
	res.output = r.redact.unmarkOutput(res.output)
	if res.output != cty.NilVal && !res.output.IsNull() {
		out, cerr := conformOutput(typ, res.output)
		if cerr != nil {
			res.err = outputMismatch(st, cerr)
			res.output = cty.NilVal
			return res
		}
		res.output = out
		res.raw, res.exit = rawOutput(out)
	}
	if res.err == nil {
		res.err = r.expectations(st, t, res.output, res.marked)
	}
	return res
}

// expectations evaluates the step's expect blocks with self bound to the
// output; the first false one is an error of class expectation carrying
// its message.
func (r *runner) expectations(st *runbooks.Step, t *hostTask, out, marked cty.Value) error {
	if len(st.Expects) == 0 {
		return nil
	}
	self := out
	if self == cty.NilVal {
		self = cty.NullVal(r.stepType(st).Output())
	}
	ctx := r.scope.evalContext(t.host, self)
	// A message may quote the step's own output (self.stdout): learn
	// what it derives from a sensitive output before it is rendered.
	markedSelf := self
	if marked != cty.NilVal {
		markedSelf = marked
	}
	mctx := r.scope.markedContext(t.host, markedSelf)
	for _, x := range st.Expects {
		r.redact.harvest(nil, mctx, x.Condition, x.Message)
	}
	for _, x := range st.Expects {
		ok, known, err := evalBool(x.Condition, ctx)
		if err != nil {
			return err
		}
		if !known && r.mode == ModeApply {
			// Everything is known in an apply; an unknown condition cannot
			// be taken as met.
			return sourceErrorf(steps.ClassExpectation, x.DeclRange, "the condition could not be decided (its value is unknown)")
		}
		if !known || ok {
			continue
		}
		msg := "expectation not met"
		if x.Message != nil {
			if v, diags := x.Message.Value(ctx); !diags.HasErrors() && v.IsKnown() && !v.IsNull() && v.Type() == cty.String {
				msg = v.AsString()
			}
		}
		return sourceErrorf(steps.ClassExpectation, x.DeclRange, "%s", msg)
	}
	return nil
}

// rawOutput extracts stdout/stderr and exit_code from outputs that have
// them (command-like steps), for the audit record's excerpt and exit code.
// A step that wraps another and has none of its own (wait_until) gives
// those of the last check it ran, its `last` attribute.
func rawOutput(out cty.Value) ([]byte, *int) {
	ty := out.Type()
	if !ty.IsObjectType() {
		return nil, nil
	}
	if !ty.HasAttribute("stdout") && !ty.HasAttribute("stderr") && ty.HasAttribute("last") {
		if last := out.GetAttr("last"); last.IsWhollyKnown() && !last.IsNull() && last.Type().IsObjectType() {
			return rawOutput(last)
		}
		return nil, nil
	}
	var raw []byte
	for _, name := range []string{"stdout", "stderr"} {
		if ty.HasAttribute(name) {
			if v := out.GetAttr(name); v.IsKnown() && !v.IsNull() && v.Type() == cty.String {
				raw = append(raw, v.AsString()...)
			}
		}
	}
	var exit *int
	if ty.HasAttribute("exit_code") {
		if v := out.GetAttr("exit_code"); v.IsKnown() && !v.IsNull() && v.Type() == cty.Number {
			if i, acc := v.AsBigFloat().Int64(); acc == 0 {
				n := int(i)
				exit = &n
			}
		}
	}
	if raw == nil && exit == nil {
		return nil, nil
	}
	return raw, exit
}

// finish turns the last attempt into the host's result and output.
func (r *runner) finish(st *runbooks.Step, t *hostTask, res attemptResult) {
	hr := t.result
	hr.Summary = r.redact.String(res.summary)
	hr.Details = r.redact.Strings(res.details)
	if res.raw != nil {
		// Redact before excerpting and hashing: a secret cut in two by the
		// excerpt would escape redaction, and a hash of a secret invites
		// guessing.
		hr.OutputSHA256, hr.OutputExcerpt = audit.Excerpt([]byte(r.redact.String(string(res.raw))))
	}
	if res.output != cty.NilVal {
		t.output = res.output
		t.marked = res.marked
	}
	t.changed = res.changed
	switch {
	case res.err == nil && st.Phase == runbooks.Diagnose:
		hr.Status = StatusOk
	case res.err == nil && res.changed:
		hr.Status = StatusChanged
	case res.err == nil:
		hr.Status = StatusNoOp
	case st.Phase == runbooks.Repair && interrupted(res.err):
		// The connection died, or the deadline or the operator stopped the
		// repair while it was under way: it may or may not have taken
		// effect. Never guess.
		hr.Status = StatusOutcomeUnknown
		hr.Error = r.redact.String(res.err.Error())
		hr.ErrorClass = steps.Classify(res.err)
	default:
		hr.Status = StatusFailed
		hr.Error = r.redact.String(res.err.Error())
		hr.ErrorClass = steps.Classify(res.err)
	}
}

// interrupted reports whether a repair was cut off mid-way rather than
// failing by itself.
func interrupted(err error) bool {
	switch steps.Classify(err) {
	case steps.ClassTransport, steps.ClassTimeout, steps.ClassCanceled:
		return true
	}
	return false
}

// locate puts the step's file:line in front of a configuration error a
// step type reported without one, so it points back at the runbook like a
// validate error does.
func locate(st *runbooks.Step, err error) error {
	if err == nil || steps.Classify(err) != steps.ClassConfig {
		return err
	}
	if _, ok := Source(err); ok {
		return err
	}
	return argError(st, err)
}

// argError places a step type's configuration error: at the argument it
// names (steps.ArgError), else at the step's block.
func argError(st *runbooks.Step, err error) error {
	at := st.DeclRange
	var ae *steps.ArgError
	if errors.As(err, &ae) {
		if attr := configAttr(st, ae.Attr); attr != nil {
			at = attr.Expr.Range()
		}
	}
	return &steps.Error{Class: steps.ClassConfig, Err: &SourceError{Range: at, Err: fmt.Errorf("%s: %w", st.Address(), err)}}
}

// configAttr is the step's own argument called name, or nil.
func configAttr(st *runbooks.Step, name string) *hcl.Attribute {
	attrs, _ := st.Config.JustAttributes()
	return attrs[name]
}
