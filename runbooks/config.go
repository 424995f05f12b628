package runbooks

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/gocty"
)

var (
	exprType  = reflect.TypeOf((*hcl.Expression)(nil)).Elem()
	attrType  = reflect.TypeOf((*hcl.Attribute)(nil))
	valueType = reflect.TypeOf(cty.Value{})
)

// checkConfig checks a step's own arguments against its type's config
// struct, the way the engine's gohcl.DecodeBody will read them: unknown
// and missing arguments, block counts, and each value's type. Arguments
// the step type keeps unevaluated (hcl.Expression, hcl.Body fields) are
// checked for references only, with self in scope.
func (c *checker) checkConfig(s *Step, sc exprScope) {
	skip := map[string]bool{}
	for _, n := range MetaArgumentNames() {
		skip[n] = true
	}
	if s.StepType == nil {
		c.checkOpaqueBody(s.Config, opaqueScope(sc), skip)
		return
	}
	ty := reflect.TypeOf(s.StepType.NewConfig())
	for ty != nil && ty.Kind() == reflect.Pointer {
		ty = ty.Elem()
	}
	if ty == nil || ty.Kind() != reflect.Struct {
		c.diags = append(c.diags, badStepType(s, "its NewConfig does not return a pointer to a struct"))
		return
	}
	schema, _ := gohcl.ImpliedBodySchema(reflect.New(ty).Interface())
	for _, a := range schema.Attributes {
		if skip[a.Name] {
			c.diags = append(c.diags, badStepType(s, fmt.Sprintf("its config declares %q, a meta-argument the language owns, so the step type never sees it", a.Name)))
		}
	}
	nested := ""
	if n, ok := s.StepType.(steps.Nester); ok {
		nested = n.NestedBlock()
		if inner := c.nestedType(s.Config, nested); inner != nil && sc.self == cty.NilType {
			sc.self = inner.Output() // the type of self in until-like arguments
		}
	}
	c.checkBody(s.Config, ty, sc, skip, nested)
}

// nestedType finds the diagnose type named by the label of a step's nested
// block (wait_until's check "TYPE"), or nil when there is none or it is
// unknown (checkNested reports that).
func (c *checker) nestedType(body hcl.Body, block string) steps.Diagnoser {
	if c.reg == nil {
		return nil
	}
	content, _, _ := body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: block, LabelNames: []string{"type"}}}})
	for _, b := range content.Blocks {
		if d := c.reg.Diagnoser(b.Labels[0]); d != nil {
			return d
		}
	}
	return nil
}

// checkNested checks a nested step block (steps.Nester) against the
// diagnose type its label names: the type must exist and the body must fit
// its config. self is not in scope inside: the nested step has not run.
func (c *checker) checkNested(b *hcl.Block, sc exprScope) {
	if c.reg == nil || len(b.Labels) == 0 {
		return
	}
	inner := c.reg.Diagnoser(b.Labels[0])
	if inner == nil {
		c.diags = append(c.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unknown step type",
			Detail: fmt.Sprintf("There is no diagnose step type named %q to run inside this %s block.%s",
				b.Labels[0], b.Type, didYouMean(b.Labels[0], c.reg.Names(steps.Diagnose))),
			Subject: b.LabelRanges[0].Ptr(),
		})
		return
	}
	ty := reflect.TypeOf(inner.NewConfig())
	for ty.Kind() == reflect.Pointer {
		ty = ty.Elem()
	}
	sc.self = cty.NilType
	c.checkBody(b.Body, ty, sc, nil, "")
}

// badStepType reports a step type whose definition is broken: a bug in
// mend or a plugin, not in the runbook, but found here before anything
// runs.
func badStepType(s *Step, problem string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid step type definition",
		Detail:   fmt.Sprintf("Step type %q cannot be used: %s. This is a bug in the step type, not in the runbook; please report it.", s.Type, problem),
		Subject:  s.TypeRange.Ptr(),
	}
}

// checkBody checks body against the gohcl-tagged struct type ty. skip
// holds names already consumed by an enclosing schema (the meta-arguments),
// which a remain body still shows in its syntax tree.
func (c *checker) checkBody(body hcl.Body, ty reflect.Type, sc exprScope, skip map[string]bool, nested string) {
	schema, partial := gohcl.ImpliedBodySchema(reflect.New(ty).Interface())
	var content *hcl.BodyContent
	var rest hcl.Body
	var diags hcl.Diagnostics
	if partial {
		content, rest, diags = body.PartialContent(schema)
	} else {
		content, diags = body.Content(schema)
	}
	c.diags = append(c.diags, diags...)
	fields := fieldsByName(ty)
	for _, attr := range sortedAttributes(content.Attributes) {
		c.checkConfigAttr(attr, fields[attr.Name].Type, sc)
	}
	c.checkConfigBlocks(body, content.Blocks, fields, schema, sc, nested)
	if rest != nil {
		restSkip := map[string]bool{}
		for n := range skip {
			restSkip[n] = true
		}
		for _, a := range schema.Attributes {
			restSkip[a.Name] = true
		}
		for _, b := range schema.Blocks {
			restSkip[b.Type] = true
		}
		c.checkOpaqueBody(rest, opaqueScope(sc), restSkip)
	}
}

// checkConfigAttr checks one argument against its field's type.
func (c *checker) checkConfigAttr(attr *hcl.Attribute, fty reflect.Type, sc exprScope) {
	what := fmt.Sprintf("%s argument", attr.Name)
	switch {
	case fty == nil:
		return
	case fty.AssignableTo(exprType) || fty == attrType:
		c.checkExpr(attr.Expr, opaqueScope(sc), cty.DynamicPseudoType, what)
	case fty == valueType:
		c.checkExpr(attr.Expr, sc, cty.DynamicPseudoType, what)
	default:
		want, err := gocty.ImpliedType(reflect.Zero(fty).Interface())
		if err != nil {
			want = cty.DynamicPseudoType
		}
		c.checkExpr(attr.Expr, sc, want, what)
	}
}

// checkConfigBlocks checks nested blocks: counts as gohcl enforces them
// (one for a plain field, at least one for a required one), then each
// block's body against its struct.
func (c *checker) checkConfigBlocks(body hcl.Body, blocks hcl.Blocks, fields map[string]reflect.StructField, schema *hcl.BodySchema, sc exprScope, nested string) {
	byType := blocks.ByType()
	for _, bs := range schema.Blocks {
		fty := fields[bs.Type].Type
		isSlice := fty.Kind() == reflect.Slice
		if isSlice {
			fty = fty.Elem()
		}
		isPtr := fty.Kind() == reflect.Pointer
		if isPtr {
			fty = fty.Elem()
		}
		found := byType[bs.Type]
		switch {
		case len(found) > 1 && !isSlice:
			c.diags = append(c.diags, duplicateBlock(found[1], found[0]))
		case len(found) == 0 && !isSlice && !isPtr:
			c.diags = append(c.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  fmt.Sprintf("Missing %s block", bs.Type),
				Detail:   fmt.Sprintf("This step type requires a %s block.", bs.Type),
				Subject:  body.MissingItemRange().Ptr(),
			})
		}
		for _, b := range found {
			if bs.Type == nested {
				c.checkNested(b, sc)
				continue
			}
			c.checkBody(b.Body, fty, sc, nil, "")
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

// fieldsByName maps the hcl tag names of a config struct (attributes and
// blocks) to their fields.
func fieldsByName(ty reflect.Type) map[string]reflect.StructField {
	fields := map[string]reflect.StructField{}
	for i := 0; i < ty.NumField(); i++ {
		f := ty.Field(i)
		name, kind, _ := strings.Cut(f.Tag.Get("hcl"), ",")
		switch kind {
		case "", "attr", "optional", "block":
			if name != "" {
				fields[name] = f
			}
		}
	}
	return fields
}

func sortedAttributes(attrs hcl.Attributes) []*hcl.Attribute {
	out := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Range.Start.Byte < out[j].Range.Start.Byte })
	return out
}
