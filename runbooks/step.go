package runbooks

import (
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/mend-sh/mend/steps"
)

// Step is a `diagnose "<type>" "<name>" {}` or `repair "<type>" "<name>" {}`
// block. The language decodes the meta-arguments into the fields below;
// everything else in the block is the step type's own config, left in
// Config for the engine to decode (gohcl) into StepType.NewConfig().
type Step struct {
	Phase steps.Phase
	Type  string // first label: the step type's name
	Name  string // second label

	// StepType is the registry's type for Phase and Type; nil only in a
	// runbook with error diagnostics (unknown step type).
	StepType steps.Type

	// On is the `on` expression: a host or group name, or a list of them,
	// resolved with Inventory.Resolve. nil: the step runs once, not per host.
	On hcl.Expression
	// When is the `when` condition; nil: always.
	When hcl.Expression
	// Timeout bounds one run of the step on one host; 0: none.
	Timeout time.Duration
	// Retry is nil when the step is not retried.
	Retry *Retry
	// OnFailure says whether a failure stops the run (the default).
	OnFailure OnFailure
	// Serial is the rolling batch size: 0 runs all hosts in parallel
	// (bounded by the engine), N runs N hosts at a time.
	Serial int
	// Approval is the gate before a repair; nil: none. Never set on a
	// diagnose.
	Approval *Approval
	// Expects are checked after the step ran on each host, in order.
	Expects []*Expect

	// Config is the step type's own arguments (the block minus the
	// meta-arguments).
	Config hcl.Body

	DeclRange, TypeRange, NameRange hcl.Range
}

// Address is the step's reference address, "repair.file.install_ca". It
// is unique within a valid runbook.
func (s *Step) Address() string {
	return fmt.Sprintf("%s.%s.%s", s.Phase, s.Type, s.Name)
}

func decodeStepBlock(block *hcl.Block, reg *steps.Registry) (*Step, hcl.Diagnostics) {
	s := &Step{
		Phase:     steps.Diagnose,
		Type:      block.Labels[0],
		Name:      block.Labels[1],
		OnFailure: OnFailureStop,
		DeclRange: block.DefRange,
		TypeRange: block.LabelRanges[0],
		NameRange: block.LabelRanges[1],
	}
	if block.Type == "repair" {
		s.Phase = steps.Repair
	}
	var diags hcl.Diagnostics
	if !hclsyntax.ValidIdentifier(s.Type) {
		diags = append(diags, invalidName("step type", s.Type, s.TypeRange))
	}
	if !hclsyntax.ValidIdentifier(s.Name) {
		diags = append(diags, invalidName("step", s.Name, s.NameRange))
	}
	if reg != nil {
		s.StepType = reg.Lookup(s.Phase, s.Type)
	}
	if s.StepType == nil {
		diags = append(diags, unknownStepType(s, reg))
	}
	content, rest, moreDiags := block.Body.PartialContent(stepMetaSchema)
	diags = append(diags, moreDiags...)
	s.Config = rest
	diags = append(diags, s.decodeMeta(content)...)
	diags = append(diags, s.checkGate()...)
	diags = append(diags, s.checkHosts()...)
	return s, diags
}

// checkHosts reports a step without `on` whose type needs a host: it
// would fail at run time otherwise, after earlier repairs already ran.
func (s *Step) checkHosts() hcl.Diagnostics {
	if s.On != nil || s.StepType == nil {
		return nil
	}
	if h, ok := s.StepType.(steps.Hostless); ok && h.Hostless() {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Missing target hosts",
		Detail: fmt.Sprintf("A %s %q step runs on hosts. Add on = [\"HOST\"], a group name, or a variable holding them.",
			s.Phase, s.Type),
		Subject: s.DeclRange.Ptr(),
	}}
}

// unknownStepType explains a step type the registry does not have for the
// block's phase, pointing at the other phase when the name lives there.
func unknownStepType(s *Step, reg *steps.Registry) *hcl.Diagnostic {
	other := steps.Repair
	if s.Phase == steps.Repair {
		other = steps.Diagnose
	}
	var names []string
	var inOther bool
	if reg != nil {
		names = reg.Names(s.Phase)
		inOther = reg.Lookup(other, s.Type) != nil
	}
	detail := fmt.Sprintf("There is no %s step type named %q.", s.Phase, s.Type)
	switch {
	case inOther && other == steps.Diagnose:
		detail += fmt.Sprintf(" %q is a diagnose type; use a diagnose block (diagnose %q %q) to look without changing anything.", s.Type, s.Type, s.Name)
	case inOther:
		detail += fmt.Sprintf(" %q is a repair type; use a repair block (repair %q %q) to change a host.", s.Type, s.Type, s.Name)
	case nearest(s.Type, names) != "":
		detail += didYouMean(s.Type, names)
	default:
		detail += fmt.Sprintf(" The %s types are %s.", s.Phase, quotedList(names))
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Unknown step type",
		Detail:   detail,
		Subject:  s.TypeRange.Ptr(),
	}
}

// checkGate enforces the approval rules: only repairs may have a gate, and
// a repair whose type is dangerous must have one.
func (s *Step) checkGate() hcl.Diagnostics {
	if s.Phase == steps.Diagnose && s.Approval != nil {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Unexpected approval block",
			Detail: "Diagnose steps are read-only and run during plan, so they have no approval gate. " +
				"Remove the approval block, or make this a repair step if it changes a host.",
			Subject: s.Approval.DeclRange.Ptr(),
		}}
	}
	rp, ok := s.StepType.(steps.Repairer)
	if s.Phase == steps.Repair && ok && rp.Dangerous() && s.Approval == nil {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Missing approval gate",
			Detail: fmt.Sprintf("Repair type %q is dangerous: every use needs an approval block that says why it is safe here, "+
				"e.g. approval { reason = \"...\" }. Apply then stops and asks an operator before running it.", s.Type),
			Subject: s.DeclRange.Ptr(),
		}}
	}
	return nil
}

// MetaArgumentNames lists the argument and block names the language owns
// in a step block. A step type's config must not use them: they would
// never reach it. A registry test can check every built-in against it.
func MetaArgumentNames() []string {
	var names []string
	for _, a := range stepMetaSchema.Attributes {
		names = append(names, a.Name)
	}
	for _, b := range stepMetaSchema.Blocks {
		names = append(names, b.Type)
	}
	return names
}

var stepMetaSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "on"},
		{Name: "when"},
		{Name: "timeout"},
		{Name: "on_failure"},
		{Name: "serial"},
	},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "retry"},
		{Type: "approval"},
		{Type: "expect"},
	},
}
