package runbooks

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// checker runs the static checks over a decoded runbook. It evaluates
// expressions in a validation scope where every variable and step result
// is an unknown value of its declared type, so types and attributes are
// checked without running anything.
type checker struct {
	rb        *Runbook
	vars      map[string]*Variable
	stepIndex map[string]int // address -> position of its first declaration
	varsVal   cty.Value      // object of unknowns of the declared types
	phaseVals map[string]cty.Value
	locals    map[string]*Local
	localVals map[string]cty.Value // validation values of the locals
	funcs     map[string]function.Function
	diags     hcl.Diagnostics
	schemas   Schemas       // may be nil: step types unknown
	types     []*StepSchema // per step; nil: type unknown
}

// Check runs the static checks over a loaded runbook: duplicate names,
// every reference (declared, earlier, in scope), every expression's type,
// and, when schemas tells it the step types, unknown step types, each
// step's own arguments and the attributes of step results. The engine
// calls it (engine.Validate) with schemas from its registry; with nil
// schemas step results and arguments are of unknown type. A runbook that
// did not parse is not checked: its syntax errors are what matters.
func (rb *Runbook) Check(schemas Schemas) hcl.Diagnostics {
	if !rb.parsed {
		return nil
	}
	c := &checker{rb: rb, schemas: schemas, vars: map[string]*Variable{}, stepIndex: map[string]int{}, funcs: Functions(rb.Dir())}
	c.resolveTypes()
	c.indexVariables()
	c.indexSteps()
	c.buildValidationScope()
	c.indexLocals()
	c.checkLocals()
	for _, v := range rb.Variables {
		c.checkVariable(v)
	}
	for i, s := range rb.Steps {
		c.checkStep(i, s)
	}
	c.checkStages()
	return c.diags
}

// resolveTypes looks up each step's schema, reporting unknown types.
func (c *checker) resolveTypes() {
	c.types = make([]*StepSchema, len(c.rb.Steps))
	if c.schemas == nil {
		return
	}
	for i, s := range c.rb.Steps {
		c.types[i] = c.schemas.Lookup(s.Phase, s.Type)
		if c.types[i] == nil {
			c.diags = append(c.diags, unknownStepType(s, c.schemas))
		}
	}
}

func (c *checker) indexVariables() {
	for _, v := range c.rb.Variables {
		if first, dup := c.vars[v.Name]; dup {
			c.diags = append(c.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate variable declaration",
				Detail:   fmt.Sprintf("A variable named %q was already declared at %s. Variable names must be unique: remove or rename one.", v.Name, first.DeclRange),
				Subject:  v.DeclRange.Ptr(),
			})
			continue
		}
		c.vars[v.Name] = v
	}
}

func (c *checker) indexSteps() {
	for i, s := range c.rb.Steps {
		addr := s.Address()
		if first, dup := c.stepIndex[addr]; dup {
			c.diags = append(c.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate step",
				Detail: fmt.Sprintf("A %s step %q %q was already declared at %s. Step addresses (%s) must be unique: rename one.",
					s.Phase, s.Type, s.Name, c.rb.Steps[first].DeclRange, addr),
				Subject: s.NameRange.Ptr(),
			})
			continue
		}
		c.stepIndex[addr] = i
	}
}

// checkVariable checks a variable's validation blocks: they may refer only
// to variables, and must test the variable itself.
func (c *checker) checkVariable(v *Variable) {
	sc := exprScope{varsOnly: true}
	for _, val := range v.Validations {
		c.checkExpr(val.Condition, sc, cty.Bool, "validation condition")
		if !refersToVar(val.Condition, v.Name) {
			c.diags = append(c.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid variable validation condition",
				Detail:   fmt.Sprintf("The condition must refer to var.%s: it tests the value given for this variable.", v.Name),
				Subject:  val.Condition.Range().Ptr(),
			})
		}
		c.checkExpr(val.ErrorMessage, sc, cty.String, "error_message")
	}
}

func refersToVar(expr hcl.Expression, name string) bool {
	for _, tr := range expr.Variables() {
		if tr.RootName() != "var" || len(tr) < 2 {
			continue
		}
		if a, ok := tr[1].(hcl.TraverseAttr); ok && a.Name == name {
			return true
		}
	}
	return false
}

// checkStep checks every expression of a step in the scope it will be
// evaluated in.
func (c *checker) checkStep(i int, s *Step) {
	base := exprScope{step: s, index: i}
	if s.ForEach != nil {
		c.checkForEach(i, s)
		base.each = true
	}
	if s.On != nil {
		c.checkOn(s.On, base)
		base.host = true
	} else if s.Stage != nil && !s.Between {
		base.host = true // the stage's hosts
	}
	if s.When != nil {
		c.checkExpr(s.When, base, cty.Bool, "when condition")
	}
	c.checkLateMeta(s)
	if s.Approval != nil && s.Approval.ReasonExpr != nil {
		// Rendered at the gate: earlier steps' results, no host (one gate
		// per batch).
		c.checkExpr(s.Approval.ReasonExpr, exprScope{step: s, index: i, each: base.each}, cty.String, "approval reason")
	}
	c.checkConfig(s, c.types[i], base)
	expectScope := base
	expectScope.self = outputOf(c.types[i])
	for _, e := range s.Expects {
		c.checkExpr(e.Condition, expectScope, cty.Bool, "expect condition")
		c.checkExpr(e.Message, expectScope, cty.String, "expect message")
	}
}

// checkOn checks `on`: a host or group name, or a list of them. It cannot
// refer to host, which it defines.
func (c *checker) checkOn(expr hcl.Expression, sc exprScope) {
	sc.inOn = true
	val, ok := c.evalExpr(expr, sc)
	if !ok || val.Type() == cty.String || val.Type() == cty.DynamicPseudoType {
		return
	}
	if _, err := convertList(val); err != nil {
		c.diags = append(c.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Incorrect attribute value type",
			Detail:   fmt.Sprintf("The on argument must be an inventory host or group name, or a list of them: %s.", err),
			Subject:  expr.Range().Ptr(),
		})
	}
}

// buildValidationScope makes the unknown values expressions are checked
// against: var as an object of unknowns, and diagnose/repair as objects of
// types of names of unknown step values (first declaration wins).
func (c *checker) buildValidationScope() {
	vars := map[string]cty.Value{}
	for name, v := range c.vars {
		vars[name] = cty.UnknownVal(v.Type)
	}
	c.varsVal = cty.ObjectVal(vars)
	byPhase := map[Phase]map[string]map[string]cty.Value{Diagnose: {}, Repair: {}}
	for _, i := range c.stepIndex {
		s := c.rb.Steps[i]
		byType := byPhase[s.Phase]
		if byType[s.Type] == nil {
			byType[s.Type] = map[string]cty.Value{}
		}
		byType[s.Type][s.Name] = cty.DynamicVal
		if st := c.types[i]; st != nil {
			byType[s.Type][s.Name] = cty.UnknownVal(StepValueType(st.Output, s.Phase))
			if s.ForEach != nil {
				byType[s.Type][s.Name] = cty.UnknownVal(cty.Map(StepValueType(st.Output, s.Phase)))
			}
		}
	}
	c.phaseVals = map[string]cty.Value{}
	for phase, byType := range byPhase {
		types := map[string]cty.Value{}
		for t, names := range byType {
			types[t] = cty.ObjectVal(names)
		}
		c.phaseVals[phase.String()] = cty.ObjectVal(types)
	}
}
