package runbooks

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// checkConfig checks a step's own arguments against its type's schema,
// the way the engine's decoding will read them: unknown and missing
// arguments, block counts, and each value's type. Deferred arguments (the
// step type evaluates them itself) are checked for references only, with
// self in scope. Without a schema (unknown type, or no Schemas) the whole
// body is checked for references only.
func (c *checker) checkConfig(s *Step, st *StepSchema, sc exprScope) {
	skip := map[string]bool{}
	for _, n := range MetaArgumentNames() {
		skip[n] = true
	}
	if st == nil || st.Config == nil {
		c.checkOpaqueBody(s.Config, opaqueScope(sc), skip)
		return
	}
	for _, b := range st.Config.Blocks {
		if b.NestedStep {
			if inner := c.nestedSchema(s.Config, b.Type); inner != nil && sc.self == cty.NilType {
				sc.self = outputOf(inner) // the type of self in until-like arguments
			}
		}
	}
	c.checkBody(s.Config, st.Config, sc, skip)
}

// nestedSchema finds the schema of the diagnose type named by the label
// of a step's nested step block, or nil when there is none or it is
// unknown (checkNested reports that).
func (c *checker) nestedSchema(body hcl.Body, block string) *StepSchema {
	if c.schemas == nil {
		return nil
	}
	content, _, _ := body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: block, LabelNames: []string{"type"}}}})
	for _, b := range content.Blocks {
		if st := c.schemas.Lookup(Diagnose, b.Labels[0]); st != nil {
			return st
		}
	}
	return nil
}

// checkNested checks a nested step block against the diagnose type its
// label names: the type must exist and the body must fit its config. self
// is not in scope inside: the nested step has not run.
func (c *checker) checkNested(b *hcl.Block, sc exprScope) {
	if c.schemas == nil || len(b.Labels) == 0 {
		c.checkOpaqueBody(b.Body, sc, nil)
		return
	}
	inner := c.schemas.Lookup(Diagnose, b.Labels[0])
	if inner == nil {
		c.diags = append(c.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unknown step type",
			Detail: fmt.Sprintf("There is no diagnose step type named %q to run inside this %s block.%s",
				b.Labels[0], b.Type, didYouMean(b.Labels[0], c.schemas.Names(Diagnose))),
			Subject: b.LabelRanges[0].Ptr(),
		})
		return
	}
	sc.self = cty.NilType
	if inner.Config == nil {
		c.checkOpaqueBody(b.Body, sc, nil)
		return
	}
	c.checkBody(b.Body, inner.Config, sc, nil)
}

// checkBody checks body against schema. skip holds names already consumed
// by an enclosing schema (the meta-arguments), which a remain body still
// shows in its syntax tree.
func (c *checker) checkBody(body hcl.Body, schema *BodySchema, sc exprScope, skip map[string]bool) {
	hs := schema.HCL()
	var content *hcl.BodyContent
	var rest hcl.Body
	var diags hcl.Diagnostics
	if schema.Remain {
		content, rest, diags = body.PartialContent(hs)
	} else {
		content, diags = body.Content(hs)
	}
	c.diags = append(c.diags, diags...)
	for _, attr := range sortedAttributes(content.Attributes) {
		c.checkConfigAttr(attr, schema.Attribute(attr.Name), sc)
	}
	c.checkConfigBlocks(body, content.Blocks, schema, sc)
	if rest != nil {
		restSkip := map[string]bool{}
		for n := range skip {
			restSkip[n] = true
		}
		for _, a := range hs.Attributes {
			restSkip[a.Name] = true
		}
		for _, b := range hs.Blocks {
			restSkip[b.Type] = true
		}
		c.checkOpaqueBody(rest, opaqueScope(sc), restSkip)
	}
}

// checkConfigAttr checks one argument against its schema.
func (c *checker) checkConfigAttr(attr *hcl.Attribute, as *AttributeSchema, sc exprScope) {
	what := fmt.Sprintf("%s argument", attr.Name)
	switch {
	case as == nil:
		return
	case as.Deferred:
		c.checkExpr(attr.Expr, opaqueScope(sc), cty.DynamicPseudoType, what)
	default:
		c.checkExpr(attr.Expr, sc, as.Type, what)
	}
}

// checkConfigBlocks checks nested blocks: counts as the decoder enforces
// them, then each block's body against its schema.
func (c *checker) checkConfigBlocks(body hcl.Body, blocks hcl.Blocks, schema *BodySchema, sc exprScope) {
	byType := blocks.ByType()
	for _, bs := range schema.Blocks {
		found := byType[bs.Type]
		switch {
		case len(found) > 1 && !bs.Repeated:
			c.diags = append(c.diags, duplicateBlock(found[1], found[0]))
		case len(found) == 0 && bs.Required:
			c.diags = append(c.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  fmt.Sprintf("Missing %s block", bs.Type),
				Detail:   fmt.Sprintf("This step type requires a %s block.", bs.Type),
				Subject:  body.MissingItemRange().Ptr(),
			})
		}
		for _, b := range found {
			switch {
			case bs.NestedStep:
				c.checkNested(b, sc)
			case bs.Body == nil:
				c.checkOpaqueBody(b.Body, opaqueScope(sc), nil)
			default:
				c.checkBody(b.Body, bs.Body, sc, nil)
			}
		}
	}
}

// checkOpaqueBody checks references and evaluation errors in a body whose
// schema only the step type knows (a remain or nested hcl.Body), walking
// its syntax tree. Names in skip belong to an enclosing schema.
func (c *checker) checkOpaqueBody(body hcl.Body, sc exprScope, skip map[string]bool) {
	sb, ok := body.(*hclsyntax.Body)
	if !ok {
		return
	}
	names := make([]string, 0, len(sb.Attributes))
	for n := range sb.Attributes {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		return sb.Attributes[names[i]].SrcRange.Start.Byte < sb.Attributes[names[j]].SrcRange.Start.Byte
	})
	for _, n := range names {
		if !skip[n] {
			c.checkExpr(sb.Attributes[n].Expr, sc, cty.DynamicPseudoType, n+" argument")
		}
	}
	for _, b := range sb.Blocks {
		if !skip[b.Type] {
			c.checkOpaqueBody(b.Body, sc, nil)
		}
	}
}

// opaqueScope is the scope of an argument a step type evaluates itself,
// after it ran: self is in scope (of a type only the step type knows).
func opaqueScope(sc exprScope) exprScope {
	if sc.self == cty.NilType {
		sc.self = cty.DynamicPseudoType
	}
	return sc
}

func sortedAttributes(attrs hcl.Attributes) []*hcl.Attribute {
	out := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Range.Start.Byte < out[j].Range.Start.Byte })
	return out
}
