package runbooks

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Per-host facts for runbooks (an etcd member's name and peer URL, a data
// directory, a service name): `vars = { ... }` on the defaults block, on
// `group "name" {}` blocks and on hosts. A host's vars are the defaults',
// overridden by each of its groups' in the order of its `groups` list,
// overridden by its own, key by key; runbooks read them as host.vars.KEY.

// groupBlock is a `group "name" { vars = {...} }` block.
type groupBlock struct {
	name  string
	vars  map[string]cty.Value
	jump  *string
	block *hcl.Block
}

func decodeGroupBlock(block *hcl.Block) (*groupBlock, hcl.Diagnostics) {
	g := &groupBlock{name: block.Labels[0], block: block}
	content, diags := block.Body.Content(groupBlockSchema)
	if attr, ok := content.Attributes["vars"]; ok {
		var d hcl.Diagnostics
		g.vars, d = decodeVars(attr.Expr)
		diags = append(diags, d...)
	}
	if attr, ok := content.Attributes["jump"]; ok {
		j, d := decodeJump(attr.Expr)
		diags = append(diags, d...)
		g.jump = &j
	}
	return g, diags
}

// decodeVars reads a constant object or map of any values.
func decodeVars(expr hcl.Expression) (map[string]cty.Value, hcl.Diagnostics) {
	v, diags := constValue(expr, "vars argument", cty.DynamicPseudoType)
	if v == cty.NilVal {
		return nil, diags
	}
	if !v.Type().IsObjectType() && !v.Type().IsMapType() {
		return nil, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid vars",
			Detail:   fmt.Sprintf("vars must be an object of names and values, such as { member_name = \"etcd-01\" }, not a %s.", v.Type().FriendlyName()),
			Subject:  expr.Range().Ptr(),
		})
	}
	return v.AsValueMap(), diags
}

// mergeVars applies, key by key, defaults, then each group of h in the
// order of its groups list, then the host's own vars.
func mergeVars(h *InventoryHost, defaults map[string]cty.Value, groups map[string]*groupBlock, own map[string]cty.Value) {
	merged := map[string]cty.Value{}
	layers := []map[string]cty.Value{defaults}
	for _, name := range h.Groups {
		if g := groups[name]; g != nil {
			layers = append(layers, g.vars)
		}
	}
	for _, layer := range append(layers, own) {
		for k, v := range layer {
			merged[k] = v
		}
	}
	h.Vars = cty.ObjectVal(merged)
}

// checkGroupBlocks rejects a group block twice for one name and one for a
// group no host is in (a typo would silently give no host its vars).
func checkGroupBlocks(blocks []*groupBlock, inv *Inventory) (map[string]*groupBlock, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	byName := map[string]*groupBlock{}
	known := inv.Groups()
	for _, g := range blocks {
		if first, dup := byName[g.name]; dup {
			diags = append(diags, duplicateBlock(g.block, first.block))
			continue
		}
		byName[g.name] = g
		if !contains(known, g.name) {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unknown group",
				Detail: fmt.Sprintf("No host lists %q in its groups, so these vars would apply to no host. Add the group to hosts' groups, or remove the block.%s",
					g.name, didYouMean(g.name, known)),
				Subject: g.block.LabelRanges[0].Ptr(),
			})
		}
	}
	return byName, diags
}

var groupBlockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "vars"}, {Name: "jump"}},
}
