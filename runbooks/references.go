package runbooks

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// exprScope says where an expression sits, and so what it may refer to.
type exprScope struct {
	step      *Step    // the step the expression belongs to; nil in a variable
	index     int      // the step's position in source order
	host      bool     // host is in scope (a step with `on`, outside `on`)
	inOn      bool     // the expression is `on` itself
	self      cty.Type // type of self; cty.NilType: self is not in scope
	varsOnly  bool     // a variable validation: only var.* exists
	each      bool     // each is in scope (a step with for_each, outside for_each)
	inForEach bool     // the expression is for_each itself
	// stageHead is set for a stage's on and when, evaluated before the
	// stage's first step (step, index) runs.
	stageHead *Stage
}

// rootNames are the names an expression can start with.
var rootNames = []string{"var", "local", "diagnose", "repair", "host", "self", "inventory", "each"}

// checkRefs reports every bad reference in expr and whether there was none.
func (c *checker) checkRefs(expr hcl.Expression, sc exprScope) bool {
	ok := true
	for _, tr := range expr.Variables() {
		if d := c.checkTraversal(tr, sc); d != nil {
			c.diags = append(c.diags, d)
			ok = false
		}
	}
	return ok
}

// checkTraversal checks one reference: that its root exists here, that it
// names a declared variable or an earlier step, and that the attributes
// it reads exist on that value's type.
func (c *checker) checkTraversal(tr hcl.Traversal, sc exprScope) *hcl.Diagnostic {
	root := tr.RootName()
	switch root {
	case "var":
		return c.checkVarRef(tr)
	case "diagnose", "repair":
		if sc.varsOnly {
			return invalidRef(tr, "A variable validation can refer only to variables (var.<name>): step results do not exist when inputs are checked.")
		}
		return c.checkStepRef(tr, sc)
	case "host":
		if d := checkHostAllowed(tr, sc); d != nil {
			return d
		}
		return checkAttrs(HostValueType(), tr[1:], "host")
	case "local":
		return c.checkLocalRef(tr, sc)
	case "inventory":
		if sc.varsOnly {
			return invalidRef(tr, "A variable validation can refer only to variables (var.<name>): the inventory is not read when inputs are checked.")
		}
		return checkAttrs(InventoryValueType(), tr[1:], "inventory")
	case "each":
		if d := checkEachAllowed(tr, sc); d != nil {
			return d
		}
		return checkAttrs(eachValidationValue.Type(), tr[1:], "each")
	case "self":
		if sc.self == cty.NilType {
			return &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid reference to self",
				Detail: "self is a step's own result on the current host, so it exists only in expect blocks " +
					"and in arguments a step type evaluates after running (such as wait_until's until).",
				Subject: tr.SourceRange().Ptr(),
			}
		}
		return checkAttrs(sc.self, tr[1:], "self")
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Unknown variable",
		Detail: fmt.Sprintf("There is no variable named %q. An expression can refer to var.<name>, "+
			"local.<name>, diagnose.<type>.<name>, repair.<type>.<name>, host, self, inventory and each.%s", root, didYouMean(root, rootNames)),
		Subject: tr.SourceRange().Ptr(),
	}
}

func (c *checker) checkVarRef(tr hcl.Traversal) *hcl.Diagnostic {
	name, ok := attrName(tr, 1)
	if !ok {
		return invalidRef(tr, "A reference to a variable is var.<name>, such as var.master.")
	}
	v, declared := c.vars[name]
	if !declared {
		names := make([]string, 0, len(c.vars))
		for n := range c.vars {
			names = append(names, n)
		}
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Reference to undeclared input variable",
			Detail: fmt.Sprintf("There is no variable named %q. Declare it with a variable %q block, or fix the name.%s",
				name, name, didYouMean(name, names)),
			Subject: tr.SourceRange().Ptr(),
		}
	}
	return checkAttrs(v.Type, tr[2:], "var."+name)
}

func (c *checker) checkStepRef(tr hcl.Traversal, sc exprScope) *hcl.Diagnostic {
	typ, okType := attrName(tr, 1)
	name, okName := attrName(tr, 2)
	if !okType || !okName {
		return invalidRef(tr, fmt.Sprintf("A reference to a step is %s.<type>.<name>, optionally followed by an attribute, "+
			"such as diagnose.command.check.exit_code.", tr.RootName()))
	}
	addr := tr.RootName() + "." + typ + "." + name
	idx, declared := c.stepIndex[addr]
	if !declared {
		return c.undeclaredStep(tr, addr, typ, name)
	}
	target := c.rb.Steps[idx]
	if sg := sc.stageHead; sg != nil && idx >= sc.index {
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Reference to a later step",
			Detail: fmt.Sprintf("The on and when of stage %q are evaluated before its first step runs, so they can refer only to steps before the stage; %s (at %s) is not one.",
				sg.Name, addr, target.DeclRange),
			Subject: tr.SourceRange().Ptr(),
		}
	}
	if sc.step != nil && idx > sc.index && target.Between && sc.step.Stage == target.Stage && !sc.step.Between {
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Reference to a later step",
			Detail: fmt.Sprintf("%s is a between_batches check of stage %q: it first runs after the stage's first batch, so the stage's steps cannot use its result. Refer to it after the stage.",
				addr, target.Stage.Name),
			Subject: tr.SourceRange().Ptr(),
		}
	}
	if sc.step != nil && idx > sc.index {
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Reference to a later step",
			Detail: fmt.Sprintf("Step %s is declared after this one (at %s), so it has not run when this is evaluated. "+
				"Steps run in source order: move this step below it, or refer to an earlier step.", addr, target.DeclRange),
			Subject: tr.SourceRange().Ptr(),
		}
	}
	if sc.step != nil && idx == sc.index && sc.self == cty.NilType {
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Reference to the step itself",
			Detail: fmt.Sprintf("Step %s cannot use its own result before it has run. "+
				"In an expect block, use self.<attribute> for its result on the current host.", addr),
			Subject: tr.SourceRange().Ptr(),
		}
	}
	rest := tr[3:]
	if target.ForEach != nil && len(rest) > 0 {
		idx, isIndex := rest[0].(hcl.TraverseIndex)
		if !isIndex {
			return &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Missing instance key",
				Detail: fmt.Sprintf("%s has for_each, so its value is a map of its instances by key: refer to one instance with %s[\"KEY\"]%s, "+
					"or to all of them with a for expression.", addr, addr, restText(rest)),
				Subject: tr.SourceRange().Ptr(),
			}
		}
		rest, addr = rest[1:], addr+"[...]"
		if idx.Key.IsKnown() && idx.Key.Type() == cty.String {
			addr = Addr{Phase: target.Phase, Type: typ, Name: name}.Instance(idx.Key.AsString()).String()
		}
	}
	st := c.types[idx]
	if st == nil {
		return nil // type unknown (or no schemas): nothing to check against
	}
	return checkAttrs(StepValueType(st.Output, target.Phase), rest, addr)
}

// checkEachAllowed reports each used where there is none: outside a step
// with for_each, or in for_each itself.
func checkEachAllowed(tr hcl.Traversal, sc exprScope) *hcl.Diagnostic {
	var detail string
	switch {
	case sc.inForEach:
		detail = "for_each chooses the instances of a step, so it cannot refer to each, which is one of them."
	case !sc.each:
		detail = "each is the current instance of a step with for_each (each.key, each.value), so it exists only in a step with a for_each argument."
	default:
		return nil
	}
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid reference to each", Detail: detail, Subject: tr.SourceRange().Ptr()}
}

// undeclaredStep explains a reference to a step that does not exist,
// suggesting a near address or the same step in the other phase.
func (c *checker) undeclaredStep(tr hcl.Traversal, addr, typ, name string) *hcl.Diagnostic {
	addrs := make([]string, 0, len(c.stepIndex))
	for a := range c.stepIndex {
		addrs = append(addrs, a)
	}
	hint := didYouMean(addr, addrs)
	other := "repair"
	if tr.RootName() == "repair" {
		other = "diagnose"
	}
	if _, ok := c.stepIndex[other+"."+typ+"."+name]; ok {
		hint = fmt.Sprintf(" Did you mean %q? That step is a %s block.", other+"."+typ+"."+name, other)
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Reference to undeclared step",
		Detail:   fmt.Sprintf("There is no %s step %q %q in this runbook.%s", tr.RootName(), typ, name, hint),
		Subject:  tr.SourceRange().Ptr(),
	}
}

func checkHostAllowed(tr hcl.Traversal, sc exprScope) *hcl.Diagnostic {
	var detail string
	switch {
	case sc.varsOnly:
		detail = "A variable validation can refer only to variables (var.<name>)."
	case sc.inOn:
		detail = "The on argument chooses the hosts a step runs on, so it cannot refer to host."
	case !sc.host:
		detail = "host is the host a step is running on, so it exists only in a step with an on argument. " +
			"Add on = [...] to this step, or name the host directly."
	default:
		return nil
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid reference to host",
		Detail:   detail,
		Subject:  tr.SourceRange().Ptr(),
	}
}

// attrName returns the name of tr[i] when it is an attribute step.
func attrName(tr hcl.Traversal, i int) (string, bool) {
	if i >= len(tr) {
		return "", false
	}
	a, ok := tr[i].(hcl.TraverseAttr)
	return a.Name, ok
}

func invalidRef(tr hcl.Traversal, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid reference",
		Detail:   detail,
		Subject:  tr.SourceRange().Ptr(),
	}
}

// restText renders the attribute steps of a reference's rest
// (".stdout.x"), for messages.
func restText(rest hcl.Traversal) string {
	var out string
	for _, step := range rest {
		if a, ok := step.(hcl.TraverseAttr); ok {
			out += "." + a.Name
		}
	}
	return out
}
