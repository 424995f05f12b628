package engine

import (
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Outline is what a runbook would do, read without reaching any host:
// its steps in order, the hosts each targets (resolved from the inventory
// where the targets are known before a run), the gates and who must
// approve them, and what each step does in general terms (its type's
// steps.Describer). `mend show` renders it for a reviewer. Every string
// is as the runbook or inventory wrote it: views escape it.
type Outline struct {
	Runbook, SHA256    string
	Title, Description string
	// Inventory is false when no inventory was given: targets are then
	// the names as written, not resolved.
	Inventory bool
	Variables []OutlineVariable
	Steps     []*OutlineStep
}

// OutlineVariable is a variable and the value the outline used.
type OutlineVariable struct {
	Name, Description string
	// Value is the value as text; "" when it has none before a run
	// (a required variable not given).
	Value     string
	Known     bool
	Sensitive bool
}

// OutlineStep is one step block.
type OutlineStep struct {
	Address, Type string
	Phase         steps.Phase
	Line          int
	// Comment is the comment above the block, as prose (its description).
	Comment string
	// Stage is the stage the step belongs to ("" none), StageSettings its
	// settings ("serial 1, max_failures 0"); Between marks a diagnosis
	// run between the stage's batches.
	Stage, StageSettings string
	Between              bool
	Targets              OutlineTargets
	// ForEach is "" without for_each; else its keys or its expression.
	ForEach string
	// When is the condition as written ("" none) and, when it is known
	// before a run, its value in WhenNow ("true" or "false").
	When, WhenNow string
	Does          steps.Description
	// Described is false for a step type without a Describer: Does then
	// lists the arguments.
	Described bool
	Gate      *OutlineGate
	// Settings are the other meta-arguments in a few words each
	// ("timeout 2m", "retry 3 times, 5s apart", "on_failure continue").
	Settings []string
	// Expects are the step's expect blocks.
	Expects []OutlineExpect
}

// OutlineExpect is an expect block: the condition as written and its
// message (its value when known now, else as written).
type OutlineExpect struct{ Condition, Message string }

// OutlineTargets are the hosts a step runs on.
type OutlineTargets struct {
	// Expr is `on` as written ("" for a step without hosts).
	Expr string
	// Known is true when the targets are known before a run.
	Known bool
	// Hosts are the resolved hosts ("etcd-01 (root@10.0.0.1:22)"), or
	// the names as written without an inventory.
	Hosts []string
	// Problem says why known targets could not be resolved.
	Problem string
}

// OutlineGate is a repair's approval gate.
type OutlineGate struct {
	// Reason is the reason as text, or its expression when it uses step
	// results (ReasonAtRunTime).
	Reason          string
	ReasonAtRunTime bool
	// Required is how many signed approvals from distinct signers a saved
	// plan needs (0: one operator, or one signed approval).
	Required int
	// NoSelfApproval: the operator running apply cannot approve.
	NoSelfApproval bool
	// Dangerous: the step type requires a gate on every use.
	Dangerous bool
}

// NewOutline reads req's runbook, variables and inventory into an
// Outline. It reaches no host and runs nothing: values a run would know
// (step results, host facts) are shown as the expressions that give
// them. req must have passed Preflight (InventoryOptional is fine).
func NewOutline(req Request, reg *steps.Registry) *Outline {
	rb := req.Runbook
	o := &Outline{Runbook: rb.Filename, SHA256: rb.SHA256, Title: rb.Title, Description: rb.Description, Inventory: req.Inventory != nil}
	ev := newOutlineEval(req)
	for _, v := range rb.Variables {
		o.Variables = append(o.Variables, ev.variable(v))
	}
	for _, st := range rb.Steps {
		o.Steps = append(o.Steps, ev.step(st, reg))
	}
	return o
}

// variable is one variable as the outline shows it.
func (ev *outlineEval) variable(v *runbooks.Variable) OutlineVariable {
	ov := OutlineVariable{Name: v.Name, Description: v.Description}
	val, ok := ev.req.Vars[v.Name]
	if !ok {
		val = v.Default
	}
	val, marks := val.UnmarkDeep()
	if len(marks) > 0 {
		v = &runbooks.Variable{Sensitive: true}
	}
	if val == cty.NilVal || !val.IsWhollyKnown() {
		return ov
	}
	ov.Known = true
	if v.Sensitive {
		ov.Sensitive, ov.Value = true, "(sensitive)"
		return ov
	}
	ov.Value = steps.ValueText(val)
	return ov
}
