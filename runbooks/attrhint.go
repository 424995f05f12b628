package runbooks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// AttributesHint says, for HCL's "Unsupported attribute" diagnostic of an
// evaluated reference (host.vars.data_dir on a host without it; an
// attribute of a step's per-host entry, hosts[host.name].pidd), which
// attributes the object has: HCL names only the missing one. The
// validator adds it to its diagnostics and the engine to run-time errors.
// "" when it cannot tell.
func AttributesHint(d *hcl.Diagnostic) string {
	if d.Summary != "Unsupported attribute" || d.EvalContext == nil {
		return ""
	}
	var v cty.Value
	var steps hcl.Traversal
	switch x := d.Expression.(type) {
	case *hclsyntax.ScopeTraversalExpr: // host.vars.data_dir
		root, ok := d.EvalContext.Variables[x.Traversal.RootName()]
		if !ok {
			return ""
		}
		v, steps = root, x.Traversal[1:]
	case *hclsyntax.RelativeTraversalExpr: // repair.service.x.hosts[host.name].pidd
		src, diags := x.Source.Value(d.EvalContext)
		if diags.HasErrors() {
			return ""
		}
		v, steps = src, x.Traversal
	default:
		return ""
	}
	for _, step := range steps {
		v, _ = v.UnmarkDeep()
		if a, isAttr := step.(hcl.TraverseAttr); isAttr && v.Type().IsObjectType() && !v.Type().HasAttribute(a.Name) {
			return attributeList(v.Type())
		}
		next, diags := step.TraversalStep(v)
		if diags.HasErrors() {
			return ""
		}
		v = next
	}
	return ""
}

// addAttributesHints appends AttributesHint to the detail of each
// diagnostic it applies to.
func addAttributesHints(diags hcl.Diagnostics) {
	for _, d := range diags {
		if hint := AttributesHint(d); hint != "" {
			d.Detail += " " + hint
		}
	}
}

func attributeList(ty cty.Type) string {
	var names []string
	for n := range ty.AttributeTypes() {
		names = append(names, fmt.Sprintf("%q", n))
	}
	if len(names) == 0 {
		return "It has no attributes."
	}
	sort.Strings(names)
	return "Its attributes are " + strings.Join(names, ", ") + "."
}
