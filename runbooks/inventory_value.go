package runbooks

import "github.com/zclconf/go-cty/cty"

// InventoryValueType is the type of `inventory` in expressions:
// object({hosts = map(host), groups = map(list(string))}), where host is
// HostValueType (name, address, groups, vars). The validator checks
// references against it; the engine builds InventoryValue.
func InventoryValueType() cty.Type {
	return cty.Object(map[string]cty.Type{
		"hosts":  cty.Map(HostValueType()),
		"groups": cty.Map(cty.List(cty.String)),
	})
}

// InventoryValue is `inventory` for inv (nil: no inventory, both empty):
// inventory.hosts["etcd-01"].address, inventory.groups["etcd"] (host names
// in inventory order). hosts is an object keyed by host name rather than a
// map, because hosts' vars differ in type; it indexes the same way.
func InventoryValue(inv *Inventory) cty.Value {
	hosts := map[string]cty.Value{}
	groups := map[string]cty.Value{}
	if inv != nil {
		members := map[string][]cty.Value{}
		for _, h := range inv.Hosts {
			hosts[h.Name] = HostValue(h)
			for _, g := range h.Groups {
				members[g] = append(members[g], cty.StringVal(h.Name))
			}
		}
		for g, names := range members {
			groups[g] = cty.ListVal(names)
		}
	}
	groupsVal := cty.MapValEmpty(cty.List(cty.String))
	if len(groups) > 0 {
		groupsVal = cty.MapVal(groups)
	}
	return cty.ObjectVal(map[string]cty.Value{
		"hosts":  cty.ObjectVal(hosts),
		"groups": groupsVal,
	})
}
