package runbooks

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// The language knows no step types. What it needs to know of them to check
// a runbook (the shape of a step's arguments and of its result) it is told
// as plain data, through Schemas, by whoever holds the step types: the
// engine builds it from its registry (engine.Validate). Without Schemas
// (nil), step results are values of unknown type and step arguments are
// checked for references only.

// Schemas tells Check about step types.
type Schemas interface {
	// Lookup returns the schema of the step type of a phase and name, or
	// nil when there is no such type (Check reports it, with Names for a
	// suggestion).
	Lookup(phase Phase, name string) *StepSchema
	// Names lists the type names of a phase, sorted.
	Names(phase Phase) []string
}

// StepSchema is what the language knows of one step type.
type StepSchema struct {
	// Output is the object type of the step's result on one host.
	Output cty.Type
	// Config is the schema of the step's own arguments (the block minus
	// the meta-arguments).
	Config *BodySchema
}

// BodySchema is the schema of a body a step type decodes: its arguments
// and blocks.
type BodySchema struct {
	Attributes []AttributeSchema
	Blocks     []BlockSchema
	// Remain is set when the step type keeps arguments it does not name in
	// a body of its own (a gohcl ",remain" field); they are checked for
	// references only.
	Remain bool
}

// AttributeSchema is one argument.
type AttributeSchema struct {
	Name     string
	Required bool
	// Type is the type the value must convert to; cty.DynamicPseudoType
	// accepts any value.
	Type cty.Type
	// Deferred is set for an argument the step type keeps unevaluated and
	// evaluates itself after running, with self in scope (wait_until's
	// until).
	Deferred bool
}

// BlockSchema is one nested block type.
type BlockSchema struct {
	Type   string
	Labels []string
	// Repeated allows any number of blocks; otherwise at most one.
	Repeated bool
	// Required asks for at least one block.
	Required bool
	// Body is the schema of the block's body.
	Body *BodySchema
	// NestedStep is set when the block is another diagnose step whose type
	// its first label names (wait_until's check "http_check"): its body is
	// checked against that type's config, and self in the enclosing step's
	// deferred arguments has that type's output.
	NestedStep bool
}

// Attribute returns the schema of the argument called name, or nil.
func (b *BodySchema) Attribute(name string) *AttributeSchema {
	if b == nil {
		return nil
	}
	for i := range b.Attributes {
		if b.Attributes[i].Name == name {
			return &b.Attributes[i]
		}
	}
	return nil
}

// HCL returns the hcl schema of the body, for (Partial)Content.
func (b *BodySchema) HCL() *hcl.BodySchema {
	s := &hcl.BodySchema{}
	for _, a := range b.Attributes {
		s.Attributes = append(s.Attributes, hcl.AttributeSchema{Name: a.Name, Required: a.Required})
	}
	for _, bl := range b.Blocks {
		s.Blocks = append(s.Blocks, hcl.BlockHeaderSchema{Type: bl.Type, LabelNames: bl.Labels})
	}
	return s
}
