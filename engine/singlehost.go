package engine

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/mend-sh/mend/runbooks"
	"github.com/zclconf/go-cty/cty"
)

// A step's output attributes read directly on its value
// (diagnose.T.N.stdout) have a value only when the step targets one host
// (or has no `on`). On a step that targets several, such a reference is an
// error that lists the hosts and says to use .hosts[...], rather than a
// null that silently stands for "whichever host answered".

// stepTraversals returns every reference in a step's expressions: `on`,
// `when`, its own arguments (nested blocks included) and expect blocks.
func stepTraversals(st *runbooks.Step) []hcl.Traversal {
	var out []hcl.Traversal
	collect := func(n hclsyntax.Node) hcl.Diagnostics {
		if e, ok := n.(*hclsyntax.ScopeTraversalExpr); ok {
			out = append(out, e.Traversal)
		}
		return nil
	}
	if sb, ok := st.Config.(*hclsyntax.Body); ok {
		_ = hclsyntax.VisitAll(sb, collect)
	}
	exprs := []hcl.Expression{st.On, st.When}
	for _, e := range st.Expects {
		exprs = append(exprs, e.Condition, e.Message)
	}
	for _, x := range exprs {
		if sx, ok := x.(hclsyntax.Expression); ok && sx != nil {
			_ = hclsyntax.VisitAll(sx, collect)
		}
	}
	return out
}

// singleHostRefs reports every reference among trs that reads an output
// attribute directly on a step that targets more than one host; targets
// holds the host names of every step whose targets are known.
func singleHostRefs(trs []hcl.Traversal, targets map[string][]string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, tr := range trs {
		addr, attr, ok := stepAttrRef(tr)
		if instAddr, instAttr, isInst := instanceAttrRef(tr); isInst {
			if _, known := targets[instAddr]; known {
				addr, attr, ok = instAddr, instAttr, true
			}
		}
		if !ok || !runbooks.TopLevelAttr(attr) {
			continue
		}
		hosts := targets[addr]
		if len(hosts) < 2 {
			continue
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Reference to a step on several hosts",
			Detail: fmt.Sprintf("%s runs on %d hosts (%s), so %s.%s has no single value. Use %s.hosts[%q].%s for one host, "+
				"or %s.hosts[host.name].%s in a step on the same hosts.",
				addr, len(hosts), strings.Join(hosts, ", "), addr, attr, addr, hosts[0], attr, addr, attr),
			Subject: tr.SourceRange().Ptr(),
		})
	}
	return diags
}

// stepAttrRef splits diagnose.T.N.ATTR (or repair.…, or …["ATTR"]) into
// the step's address and ATTR.
func stepAttrRef(tr hcl.Traversal) (addr, attr string, ok bool) {
	root := tr.RootName()
	if (root != "diagnose" && root != "repair") || len(tr) < 4 {
		return "", "", false
	}
	typ, ok1 := tr[1].(hcl.TraverseAttr)
	name, ok2 := tr[2].(hcl.TraverseAttr)
	if !ok1 || !ok2 {
		return "", "", false
	}
	switch a := tr[3].(type) {
	case hcl.TraverseAttr:
		attr = a.Name
	case hcl.TraverseIndex:
		if !a.Key.IsKnown() || a.Key.IsNull() || a.Key.Type() != cty.String {
			return "", "", false
		}
		attr = a.Key.AsString()
	default:
		return "", "", false
	}
	return root + "." + typ.Name + "." + name.Name, attr, true
}

// hostNames returns the names of resolved targets (nil elements, the one
// target of a step without `on`, are left out).
func hostNames(hosts []*runbooks.InventoryHost) []string {
	var names []string
	for _, h := range hosts {
		if h != nil {
			names = append(names, h.Name)
		}
	}
	return names
}

// instanceAttrRef splits diagnose.T.N["key"].ATTR, a reference to an
// instance of a step with for_each, into the instance's address and ATTR.
func instanceAttrRef(tr hcl.Traversal) (addr, attr string, ok bool) {
	block, key, ok := stepAttrRef(tr)
	if !ok || len(tr) < 5 {
		return "", "", false
	}
	a, isAttr := tr[4].(hcl.TraverseAttr)
	if _, isIndex := tr[3].(hcl.TraverseIndex); !isAttr || !isIndex {
		return "", "", false
	}
	return block + runbooks.IndexString(key), a.Name, true
}
