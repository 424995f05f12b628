package runbooks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Local is one `name = expr` of a `locals { }` block (a runbook may have
// several blocks): a named expression, used as local.NAME anywhere an
// expression is allowed. A local may use variables, the inventory, other
// locals and step results (it is then known when they are); it cannot use
// host or self, which depend on where an expression is evaluated.
// After Load without errors, Runbook.Locals is in evaluation order: each
// local after the locals it refers to.
type Local struct {
	Name      string
	Expr      hcl.Expression
	DeclRange hcl.Range
}

func decodeLocalsBlock(block *hcl.Block) ([]*Local, hcl.Diagnostics) {
	attrs, diags := block.Body.JustAttributes()
	var out []*Local
	for _, a := range attrs {
		if !hclsyntax.ValidIdentifier(a.Name) {
			diags = append(diags, invalidName("local value", a.Name, a.NameRange))
			continue
		}
		out = append(out, &Local{Name: a.Name, Expr: a.Expr, DeclRange: a.Range})
	}
	// JustAttributes returns a map's order; keep the source order.
	sort.Slice(out, func(i, j int) bool { return out[i].DeclRange.Start.Byte < out[j].DeclRange.Start.Byte })
	return out, diags
}

// localRefs returns the names of the locals expr refers to.
func localRefs(expr hcl.Expression) []string {
	var names []string
	for _, tr := range expr.Variables() {
		if tr.RootName() != "local" {
			continue
		}
		if name, ok := attrName(tr, 1); ok {
			names = append(names, name)
		}
	}
	return names
}

// indexLocals reports duplicate names and orders rb.Locals so each comes
// after the locals it uses; a cycle is reported on each local in it.
func (c *checker) indexLocals() {
	c.locals = map[string]*Local{}
	var unique []*Local
	for _, l := range c.rb.Locals {
		if first, dup := c.locals[l.Name]; dup {
			c.diags = append(c.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate local value",
				Detail:   fmt.Sprintf("A local value named %q was already defined at %s. Local names must be unique: remove or rename one.", l.Name, first.DeclRange),
				Subject:  l.DeclRange.Ptr(),
			})
			continue
		}
		c.locals[l.Name] = l
		unique = append(unique, l)
	}
	var ordered []*Local
	state := map[string]int{} // 0 new, 1 visiting, 2 done
	var visit func(l *Local, path []string)
	visit = func(l *Local, path []string) {
		switch state[l.Name] {
		case 2:
			return
		case 1:
			c.diags = append(c.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Cycle in local values",
				Detail: fmt.Sprintf("local.%s refers to itself through %s. A local value cannot depend on itself: break the cycle.",
					l.Name, strings.Join(append(path, "local."+l.Name), " -> ")),
				Subject: l.DeclRange.Ptr(),
			})
			return
		}
		state[l.Name] = 1
		for _, dep := range localRefs(l.Expr) {
			if d := c.locals[dep]; d != nil {
				visit(d, append(path, "local."+l.Name))
			}
		}
		state[l.Name] = 2
		ordered = append(ordered, l)
	}
	for _, l := range unique {
		visit(l, nil)
	}
	c.rb.Locals = ordered
}

// localSteps returns the step addresses a local uses, directly or through
// other locals, so that a step using the local is checked for references
// to later steps as if it used them itself.
func (c *checker) localSteps(name string, seen map[string]bool) []hcl.Traversal {
	l := c.locals[name]
	if l == nil || seen[name] {
		return nil
	}
	seen[name] = true
	var out []hcl.Traversal
	for _, tr := range l.Expr.Variables() {
		switch tr.RootName() {
		case "diagnose", "repair":
			out = append(out, tr)
		case "local":
			if n, ok := attrName(tr, 1); ok {
				out = append(out, c.localSteps(n, seen)...)
			}
		}
	}
	return out
}

// checkLocals checks each local's expression in evaluation order, in a
// scope without host and self, and keeps its validation value (unknown
// where it depends on step results) for the expressions that use it.
func (c *checker) checkLocals() {
	c.localVals = map[string]cty.Value{}
	for name := range c.locals {
		c.localVals[name] = cty.DynamicVal
	}
	for _, l := range c.rb.Locals {
		if val, ok := c.evalExpr(l.Expr, exprScope{}); ok {
			c.localVals[l.Name] = val
		}
	}
}

// checkLocalRef checks local.NAME: declared, not in a variable validation,
// using no step declared after the referring step (through the local), and
// its attributes.
func (c *checker) checkLocalRef(tr hcl.Traversal, sc exprScope) *hcl.Diagnostic {
	if sc.varsOnly {
		return invalidRef(tr, "A variable validation can refer only to variables (var.<name>): local values are computed after inputs are checked.")
	}
	name, ok := attrName(tr, 1)
	if !ok {
		return invalidRef(tr, "A reference to a local value is local.<name>, such as local.member_urls.")
	}
	if c.locals[name] == nil {
		names := make([]string, 0, len(c.locals))
		for n := range c.locals {
			names = append(names, n)
		}
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Reference to undeclared local value",
			Detail: fmt.Sprintf("There is no local value named %q. Define it in a locals block, or fix the name.%s",
				name, didYouMean(name, names)),
			Subject: tr.SourceRange().Ptr(),
		}
	}
	if sc.step != nil {
		for _, st := range c.localSteps(name, map[string]bool{}) {
			d := c.checkStepRef(st, sc)
			if d != nil && (d.Summary == "Reference to a later step" || d.Summary == "Reference to the step itself") {
				return &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  d.Summary,
					Detail:   fmt.Sprintf("local.%s uses %s (at %s). %s", name, st.RootName()+"."+traversalTail(st), st.SourceRange(), d.Detail),
					Subject:  tr.SourceRange().Ptr(),
				}
			}
		}
	}
	return checkAttrs(c.localVals[name].Type(), tr[2:], "local."+name)
}

// traversalTail renders the attribute names after the root of tr, up to
// the step's name ("command.check").
func traversalTail(tr hcl.Traversal) string {
	var parts []string
	for i := 1; i < len(tr) && i < 3; i++ {
		if n, ok := attrName(tr, i); ok {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, ".")
}
