package engine

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// outlineEval evaluates a runbook's expressions before a run, for
// NewOutline: variables and the inventory are known, step results, host,
// self and each are not.
type outlineEval struct {
	req         Request
	ctx, marked *hcl.EvalContext
}

func newOutlineEval(req Request) *outlineEval {
	sc := newScope(req.Runbook.Dir(), req.Vars, req.Inventory, time.Time{})
	sc.locals = req.Runbook.Locals
	ev := &outlineEval{req: req, ctx: sc.evalContext(nil, cty.NilVal), marked: sc.markedContext(nil, cty.NilVal)}
	for _, ctx := range []*hcl.EvalContext{ev.ctx, ev.marked} {
		for _, root := range []string{"diagnose", "repair", "host", "self", "each"} {
			ctx.Variables[root] = cty.DynamicVal
		}
	}
	return ev
}

// value evaluates expr: its value without marks (unknown when a run must
// tell, or when it cannot be evaluated now) and whether it derives from a
// secret.
func (ev *outlineEval) value(expr hcl.Expression) (cty.Value, bool) {
	v, diags := expr.Value(ev.marked)
	if diags.HasErrors() {
		return cty.DynamicVal, false
	}
	sensitive := v.ContainsMarked()
	v, _ = v.UnmarkDeep()
	return v, sensitive
}

// text is a string expression's value when known now and not secret,
// else the expression as written (a quoted template without its quotes:
// "${host.name} is down" reads as ${host.name} is down).
func (ev *outlineEval) text(expr hcl.Expression) string {
	v, sensitive := ev.value(expr)
	if sensitive || !v.IsWhollyKnown() || v.IsNull() || v.Type() != cty.String {
		src := ev.source(expr)
		if _, ok := expr.(*hclsyntax.TemplateExpr); ok && len(src) >= 2 && src[0] == '"' && src[len(src)-1] == '"' {
			src = src[1 : len(src)-1] // a message template reads better without its quotes
		}
		return src
	}
	return v.AsString()
}

// source is an expression as written, on one line.
func (ev *outlineEval) source(expr hcl.Expression) string {
	return strings.Join(strings.Fields(string(expr.Range().SliceBytes(ev.req.Runbook.Source))), " ")
}

// step outlines one step block.
func (ev *outlineEval) step(st *runbooks.Step, reg *steps.Registry) *OutlineStep {
	out := &OutlineStep{Address: st.Address(), Type: st.Type, Phase: stepsPhase(st.Phase), Line: st.DeclRange.Start.Line,
		Comment: ev.req.Runbook.CommentBefore(st.DeclRange), Between: st.Between}
	if st.Stage != nil {
		out.Stage, out.StageSettings = st.Stage.Name, st.Stage.Describe()
	}
	out.Targets = ev.targets(st)
	out.ForEach = ev.forEach(st)
	if st.When != nil {
		out.When = ev.source(st.When)
		if v, _ := ev.value(st.When); v.IsWhollyKnown() && !v.IsNull() && v.Type() == cty.Bool {
			out.WhenNow = fmt.Sprint(v.True())
		}
	}
	t := stepType(reg, st)
	args := steps.NewArgs(st.Config, ev.req.Runbook.Source, ev.req.Runbook.Dir(), ev.value, isMeta)
	if d, ok := t.(steps.Describer); ok {
		out.Does, out.Described = d.Describe(args), true
	} else {
		out.Does = argsDescription(args)
	}
	out.Gate = ev.gate(st, t)
	out.Settings = settings(st)
	for _, e := range st.Expects {
		out.Expects = append(out.Expects, OutlineExpect{Condition: ev.source(e.Condition), Message: ev.text(e.Message)})
	}
	return out
}

// targets resolves a step's `on` (or its stage's) when known now.
func (ev *outlineEval) targets(st *runbooks.Step) OutlineTargets {
	on := st.On
	if on == nil && st.Stage != nil && !st.Between {
		on = st.Stage.On
	}
	if on == nil {
		return OutlineTargets{Known: true}
	}
	tg := OutlineTargets{Expr: ev.source(on)}
	names, known, err := ev.targetNames(st, on)
	if err != nil {
		tg.Problem = withoutSource(err).Error()
		return tg
	}
	if !known {
		return tg
	}
	tg.Known = true
	if ev.req.Inventory == nil {
		tg.Hosts = names
		return tg
	}
	hosts, err := ev.req.Inventory.Resolve(names)
	if err != nil {
		tg.Problem = err.Error()
		return tg
	}
	for _, h := range hosts {
		tg.Hosts = append(tg.Hosts, hostText(h))
	}
	return tg
}

// targetNames evaluates on; for a step with for_each whose keys are
// known now, once per instance (on may use each), the names of all
// instances in order, each once.
func (ev *outlineEval) targetNames(st *runbooks.Step, on hcl.Expression) ([]string, bool, error) {
	if st.ForEach == nil {
		return evalTargets(on, ev.ctx)
	}
	v, _ := ev.value(st.ForEach)
	insts, known, diags := runbooks.ForEachInstances(v, st.ForEach.Range())
	if !known || diags.HasErrors() {
		return evalTargets(on, ev.ctx)
	}
	defer func() { ev.ctx.Variables["each"] = cty.DynamicVal }()
	var names []string
	seen := map[string]bool{}
	for _, in := range insts {
		ev.ctx.Variables["each"] = runbooks.EachValue(in)
		ns, known, err := evalTargets(on, ev.ctx)
		if err != nil || !known {
			return nil, known, err
		}
		for _, n := range ns {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	return names, true, nil
}

// hostText is an inventory host as "name (user@address:port)".
func hostText(h *runbooks.InventoryHost) string {
	where := h.Address
	if h.Port != 0 {
		where = fmt.Sprintf("%s:%d", h.Address, h.Port)
	}
	if h.User != "" {
		where = h.User + "@" + where
	}
	return h.Name + " (" + where + ")"
}

// forEach is the step's instances' keys, or its for_each as written.
func (ev *outlineEval) forEach(st *runbooks.Step) string {
	if st.ForEach == nil {
		return ""
	}
	v, _ := ev.value(st.ForEach)
	insts, known, diags := runbooks.ForEachInstances(v, st.ForEach.Range())
	if !known || diags.HasErrors() {
		return ev.source(st.ForEach) + " (known at run time)"
	}
	keys := make([]string, len(insts))
	for i, in := range insts {
		keys[i] = in.Key
	}
	return strings.Join(keys, ", ")
}

// gate is the step's approval gate, if it has one.
func (ev *outlineEval) gate(st *runbooks.Step, t steps.Type) *OutlineGate {
	if st.Approval == nil {
		return nil
	}
	g := &OutlineGate{Reason: st.Approval.Reason, Required: st.Approval.Required, NoSelfApproval: st.Approval.NoSelfApproval}
	if st.Approval.ReasonExpr != nil {
		g.Reason, g.ReasonAtRunTime = ev.source(st.Approval.ReasonExpr), true
	}
	if r, ok := t.(steps.Repairer); ok {
		g.Dangerous = r.Dangerous()
	}
	return g
}

// settings are the step's other meta-arguments in a few words each.
func settings(st *runbooks.Step) []string {
	var out []string
	if st.Timeout > 0 {
		out = append(out, "timeout "+st.Timeout.String())
	}
	if st.Retry != nil && st.Retry.Attempts > 1 {
		r := fmt.Sprintf("up to %d attempts", st.Retry.Attempts)
		if st.Retry.Delay > 0 {
			r += ", " + st.Retry.Delay.String() + " apart"
		}
		out = append(out, r)
	}
	if st.OnFailure == runbooks.OnFailureContinue {
		out = append(out, "a failure does not stop the run (on_failure = \"continue\")")
	}
	if st.Serial > 0 {
		out = append(out, fmt.Sprintf("%d hosts at a time (serial)", st.Serial))
	}
	if st.PlanRun {
		out = append(out, "runs in plan even after a pending repair (plan = \"run\")")
	}
	if st.Sensitive {
		out = append(out, "its outputs are sensitive")
	}
	return out
}

// argsDescription is a step type without a Describer shown by its
// arguments: "url = https://x/readyz; timeout = 10s".
func argsDescription(a steps.Args) steps.Description {
	var parts []string
	for _, n := range a.Names() {
		parts = append(parts, n+" = "+a.Text(n, ""))
	}
	for _, b := range a.Blocks {
		inner := argsDescription(b.Args)
		parts = append(parts, strings.TrimSpace(b.Type+" "+strings.Join(b.Labels, " "))+" { "+inner.Summary+" }")
	}
	return steps.Description{Summary: strings.Join(parts, "; ")}
}
