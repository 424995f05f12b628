package runbooks

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/zclconf/go-cty/cty"
)

// A step with `for_each = <map, or set of strings>` is several instances
// of one block, one per key, each run as a step of its own (in key order)
// with `each.key` and `each.value` in its expressions, and addressed
// `diagnose.TYPE.NAME["key"]` (Addr). The block's value, as later steps
// see it, is a map of the instances' values by key. As in Terraform, a
// map's keys or a set's strings are the keys, and a sensitive value cannot
// give the keys (they are shown everywhere). Unlike Terraform, a list or
// tuple of distinct strings is accepted as the set of them (so
// `for_each = inventory.groups["etcd"]` needs no toset), and a repeated
// string in it is an error rather than silently merged.

// Instance is one element of an evaluated for_each: its key and
// each.value (the key again for a set of strings).
type Instance struct {
	Key   string
	Value cty.Value
}

// EachValue is the value of `each` in an instance's expressions.
func EachValue(inst Instance) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{"key": cty.StringVal(inst.Key), "value": inst.Value})
}

// eachValidationValue is `each` as the validator sees it.
var eachValidationValue = cty.ObjectVal(map[string]cty.Value{"key": cty.UnknownVal(cty.String), "value": cty.DynamicVal})

// ForEachInstances turns an evaluated for_each value into instances in
// key order. known is false when the keys cannot be known yet (the value,
// or an element of a set or list, is unknown); instances is then nil and
// there is no error. Null, a wrong type, a sensitive key, a set element
// that is not a string and a repeated list element are errors on rng.
func ForEachInstances(v cty.Value, rng hcl.Range) (instances []Instance, known bool, diags hcl.Diagnostics) {
	bad := func(detail string) (instances []Instance, known bool, diags hcl.Diagnostics) {
		return nil, true, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid for_each argument", Detail: detail, Subject: rng.Ptr()}}
	}
	if v.IsMarked() && !v.IsNull() {
		return bad("Sensitive values, or values derived from them, cannot be used as for_each keys: the keys are shown in plan, apply and the audit log as instance addresses. Use a map whose values (not keys) are sensitive.")
	}
	if !v.IsKnown() {
		return nil, false, nil
	}
	if v.IsNull() {
		return bad("The for_each value is null. A map, or a set of strings, is allowed; use an empty map or set for no instances.")
	}
	ty := v.Type()
	switch {
	case ty.IsMapType() || ty.IsObjectType():
		for it := v.ElementIterator(); it.Next(); {
			k, val := it.Element()
			instances = append(instances, Instance{Key: k.AsString(), Value: val})
		}
	case ty.IsSetType() || ty.IsListType() || ty.IsTupleType():
		seen := map[string]bool{}
		for it := v.ElementIterator(); it.Next(); {
			_, el := it.Element()
			switch {
			case el.IsMarked():
				return bad("Sensitive values, or values derived from them, cannot be used as for_each keys: the keys are shown in plan, apply and the audit log as instance addresses.")
			case !el.IsKnown():
				return nil, false, nil
			case el.IsNull():
				return bad("The for_each value has a null element. Every element of a set of strings must be a string.")
			case el.Type() != cty.String:
				return bad(fmt.Sprintf("The for_each value is a %s with a %s element; only strings can be instance keys. Use a set of strings, or a map.", collectionKind(ty), typeexpr.TypeString(el.Type())))
			case seen[el.AsString()]:
				return bad(fmt.Sprintf("The for_each list has %q more than once. Each key names one instance; remove the duplicate (or use toset() to merge duplicates on purpose).", el.AsString()))
			}
			seen[el.AsString()] = true
			instances = append(instances, Instance{Key: el.AsString(), Value: el})
		}
	default:
		return bad(fmt.Sprintf("The for_each value must be a map, or a set of strings, not %s.", typeexpr.TypeString(ty)))
	}
	sort.Slice(instances, func(i, j int) bool { return instances[i].Key < instances[j].Key })
	return instances, true, nil
}

// forEachTypeProblem reports a for_each type that can never give
// instances, for a value not yet known ("" when the type may do).
func forEachTypeProblem(ty cty.Type) string {
	switch {
	case ty == cty.DynamicPseudoType, ty.IsMapType(), ty.IsObjectType(), ty.IsTupleType():
		return ""
	case ty.IsSetType() || ty.IsListType():
		if et := ty.ElementType(); et != cty.String && et != cty.DynamicPseudoType {
			return fmt.Sprintf("The for_each value is a %s of %s; only strings can be instance keys. Use a set of strings, or a map.", collectionKind(ty), typeexpr.TypeString(et))
		}
		return ""
	}
	return fmt.Sprintf("The for_each value must be a map, or a set of strings, not %s.", typeexpr.TypeString(ty))
}

func collectionKind(ty cty.Type) string {
	switch {
	case ty.IsSetType():
		return "set"
	case ty.IsListType():
		return "list"
	}
	return "tuple"
}
