package runbooks

import (
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Phase says whether a step block only looks (Diagnose) or changes
// things (Repair).
type Phase int

// The two phases.
const (
	// Diagnose steps are read-only and run for real during plan.
	Diagnose Phase = iota + 1
	// Repair steps change hosts; plan only previews them.
	Repair
)

// String returns the block keyword of the phase: "diagnose" or "repair".
func (p Phase) String() string {
	switch p {
	case Diagnose:
		return "diagnose"
	case Repair:
		return "repair"
	}
	return "unknown"
}

// other is the phase a step type name may belong to instead.
func (p Phase) other() Phase {
	if p == Repair {
		return Diagnose
	}
	return Repair
}

// Step is a `diagnose "<type>" "<name>" {}` or `repair "<type>" "<name>" {}`
// block. The language decodes the meta-arguments into the fields below;
// everything else in the block is the step type's own config, left in
// Config for the engine to decode with the step type (the language knows
// no step types).
type Step struct {
	Phase Phase
	Type  string // first label: the step type's name
	Name  string // second label

	// On is the `on` expression: a host or group name, or a list of them,
	// resolved with Inventory.Resolve. nil: the step runs once, not per host.
	On hcl.Expression
	// When is the `when` condition; nil: always.
	When hcl.Expression
	// ForEach is the `for_each` expression: a map, or a set of strings,
	// whose elements become the step's instances (each.key, each.value);
	// nil: the step is one block, not instances. See foreach.go.
	ForEach hcl.Expression
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

	// Sensitive marks every output of the step sensitive (sensitive =
	// true): its values are redacted wherever they or values derived from
	// them would show, as a sensitive variable's are.
	Sensitive bool

	// Stage is the stage the step belongs to; nil: none. Between is set
	// for the diagnoses of the stage's between_batches block.
	Stage   *Stage
	Between bool
	// SerialRange is where serial was written, if it was.
	SerialRange *hcl.Range

	// late holds the meta-arguments written with variables or locals,
	// decoded by Runbook.BindMeta (see meta_bind.go).
	late []lateMeta

	// key is the instance key of a step made by Instance; hasKey says
	// the step is such an instance.
	key    string
	hasKey bool
}

// Addr is the step's address: its block's, or for an instance made by
// Instance, the block's with the instance key.
func (s *Step) Addr() Addr {
	return Addr{Phase: s.Phase, Type: s.Type, Name: s.Name, Key: s.key, HasKey: s.hasKey}
}

// Address is the step's address as a string, "repair.file.install_ca"
// (or `repair.file.install_ca["etcd-01"]` for an instance). A block's
// address is unique within a valid runbook.
func (s *Step) Address() string {
	return s.Addr().String()
}

// BlockAddress is the address of the step's block, without an instance
// key.
func (s *Step) BlockAddress() string {
	return s.Addr().Block()
}

// Instance returns a copy of s that is the instance of its block with
// key: the same arguments, an address with the key. The engine runs each
// instance of a step with for_each as a step of its own.
func (s *Step) Instance(key string) *Step {
	c := *s
	c.key, c.hasKey = key, true
	return &c
}

// InstanceKey returns the instance key of a step made by Instance, and
// whether it is one.
func (s *Step) InstanceKey() (string, bool) {
	return s.key, s.hasKey
}

func decodeStepBlock(block *hcl.Block) (*Step, hcl.Diagnostics) {
	s := &Step{
		Phase:     Diagnose,
		Type:      block.Labels[0],
		Name:      block.Labels[1],
		OnFailure: OnFailureStop,
		DeclRange: block.DefRange,
		TypeRange: block.LabelRanges[0],
		NameRange: block.LabelRanges[1],
	}
	if block.Type == "repair" {
		s.Phase = Repair
	}
	var diags hcl.Diagnostics
	if !hclsyntax.ValidIdentifier(s.Type) {
		diags = append(diags, invalidName("step type", s.Type, s.TypeRange))
	}
	if !hclsyntax.ValidIdentifier(s.Name) {
		diags = append(diags, invalidName("step", s.Name, s.NameRange))
	}
	content, rest, moreDiags := block.Body.PartialContent(stepMetaSchema)
	diags = append(diags, moreDiags...)
	s.Config = rest
	diags = append(diags, s.decodeMeta(content)...)
	diags = append(diags, s.checkGate()...)
	return s, diags
}

// unknownStepType explains a step type that schemas do not have for the
// block's phase, pointing at the other phase when the name lives there.
func unknownStepType(s *Step, schemas Schemas) *hcl.Diagnostic {
	other := s.Phase.other()
	names := schemas.Names(s.Phase)
	inOther := schemas.Lookup(other, s.Type) != nil
	detail := fmt.Sprintf("There is no %s step type named %q.", s.Phase, s.Type)
	switch {
	case inOther && other == Diagnose:
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

// checkGate enforces the language's approval rule: only repairs may have
// a gate. (Which repairs must have one depends on the step type: the
// engine checks that.)
func (s *Step) checkGate() hcl.Diagnostics {
	if s.Phase == Diagnose && s.Approval != nil {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Unexpected approval block",
			Detail: "Diagnose steps are read-only and run during plan, so they have no approval gate. " +
				"Remove the approval block, or make this a repair step if it changes a host.",
			Subject: s.Approval.DeclRange.Ptr(),
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
		{Name: "for_each"},
		{Name: "timeout"},
		{Name: "on_failure"},
		{Name: "serial"},
		{Name: "sensitive"},
	},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "retry"},
		{Type: "approval"},
		{Type: "expect"},
	},
}
