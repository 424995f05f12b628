package runbooks

import "github.com/zclconf/go-cty/cty"

// SensitiveMark is the cty mark on sensitive values: variables declared
// with sensitive = true (EvalVariables marks them) and step outputs a step
// type marks itself. Views render a marked value as "(sensitive)"; plans
// and the audit log never store it. It is a plain string so step types can
// use it without importing this package: v.Mark("sensitive") (steps
// declares the same constant).
const SensitiveMark = "sensitive"

// Attribute names the language adds to every step value. Step types must
// not declare output attributes with these names.
const (
	hostsAttr   = "hosts"
	changedAttr = "changed"
	outcomeAttr = "outcome"
)

// TopLevelAttr reports whether name, read directly on a step value
// (diagnose.T.N.name), is one of the step's output attributes, which have
// a value only when the step targets a single host, rather than `hosts`
// or `changed`, which a step on many hosts has too.
func TopLevelAttr(name string) bool {
	return name != hostsAttr && name != changedAttr
}

// StepValueType is the type of diagnose.<type>.<name> (or repair.…) as
// expressions see it, for a step type whose result on one host has the
// object type out: the attributes of out (filled from the host's result
// when the step targets exactly one host or has no `on`, null otherwise),
// plus `hosts`, a map(HostEntryType) with an entry for every host the step
// targets, and, for repairs, `changed`, true when any host changed. The
// validator evaluates references against cty.UnknownVal of this type; the
// engine must build values that convert to it. An out that is not an
// object type (a buggy step type) counts as an empty object.
func StepValueType(out cty.Type, phase Phase) cty.Type {
	out = objectOrEmpty(out)
	attrs := make(map[string]cty.Type, len(out.AttributeTypes())+2)
	for name, ty := range out.AttributeTypes() {
		attrs[name] = ty
	}
	attrs[hostsAttr] = cty.Map(HostEntryType(out, phase))
	if phase == Repair {
		attrs[changedAttr] = cty.Bool
	}
	return cty.Object(attrs)
}

// HostEntryType is the type of one host's entry in a step's `hosts`: the
// attributes of out (null where the step did not run on the host:
// skipped by `when`, failed, not run), `outcome`, the host's status as
// plan and apply show it ("ok", "skipped", "changed", "no-op", "failed",
// …), and, for repairs, `changed`. Every host a step targets has one, so
// `hosts[host.name]` never fails because a host was skipped.
func HostEntryType(out cty.Type, phase Phase) cty.Type {
	out = objectOrEmpty(out)
	attrs := make(map[string]cty.Type, len(out.AttributeTypes())+2)
	for name, ty := range out.AttributeTypes() {
		attrs[name] = ty
	}
	attrs[outcomeAttr] = cty.String
	if phase == Repair {
		attrs[changedAttr] = cty.Bool
	}
	return cty.Object(attrs)
}

// objectOrEmpty is out, or an empty object when a (buggy) step type
// declares something else, so the validator never panics on it.
func objectOrEmpty(out cty.Type) cty.Type {
	if out.IsObjectType() {
		return out
	}
	return cty.EmptyObject
}

// HostValueType is the type of host inside a step with `on`:
// object({name = string, address = string, groups = list(string), vars = any}).
// vars is the inventory's (an object whose attributes differ from host to
// host), so the validator cannot know its attributes.
func HostValueType() cty.Type {
	return cty.Object(map[string]cty.Type{
		"name":    cty.String,
		"address": cty.String,
		"groups":  cty.List(cty.String),
		"vars":    cty.DynamicPseudoType,
	})
}

// HostValue is the value of host for an inventory host, of HostValueType.
func HostValue(h *InventoryHost) cty.Value {
	groups := cty.ListValEmpty(cty.String)
	if len(h.Groups) > 0 {
		vals := make([]cty.Value, len(h.Groups))
		for i, g := range h.Groups {
			vals[i] = cty.StringVal(g)
		}
		groups = cty.ListVal(vals)
	}
	vars := h.Vars
	if vars == cty.NilVal {
		vars = cty.EmptyObjectVal
	}
	return cty.ObjectVal(map[string]cty.Value{
		"name":    cty.StringVal(h.Name),
		"address": cty.StringVal(h.Address),
		"groups":  groups,
		"vars":    vars,
	})
}

// outputOf is the type of self for a step of schema st: its Output,
// an empty object when a (buggy) step type declares something else, and
// unknown when st is nil (no Schemas, or an unknown type).
func outputOf(st *StepSchema) cty.Type {
	if st == nil {
		return cty.DynamicPseudoType
	}
	if st.Output.IsObjectType() {
		return st.Output
	}
	return cty.EmptyObject
}
