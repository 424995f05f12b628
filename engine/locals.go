package engine

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/mend-sh/mend/runbooks"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// evalLocals evaluates the runbook's locals, in the order the validator
// put them (each after those it uses), with vars (var, inventory, the step
// results so far) in scope. A local that fails, or uses one that failed,
// is cty.DynamicVal in values and has its error in errs: localError
// reports it for the step that uses it.
func evalLocals(locals []*runbooks.Local, vars map[string]cty.Value, funcs map[string]function.Function) (values map[string]cty.Value, errs map[string]error) {
	values = map[string]cty.Value{}
	errs = map[string]error{}
	for _, l := range locals {
		values[l.Name] = cty.DynamicVal
	}
	scope := map[string]cty.Value{}
	for k, v := range vars {
		scope[k] = v
	}
	ctx := &hcl.EvalContext{Variables: scope, Functions: funcs}
	for _, l := range locals {
		if err := failedDep(l, errs); err != nil {
			errs[l.Name] = err
			continue
		}
		scope["local"] = cty.ObjectVal(values)
		v, diags := l.Expr.Value(ctx)
		if diags.HasErrors() {
			errs[l.Name] = fmt.Errorf("local.%s: %w", l.Name, diagErr(diags))
			continue
		}
		values[l.Name] = v
	}
	return values, errs
}

// failedDep returns the error of a local l uses, if one failed.
func failedDep(l *runbooks.Local, errs map[string]error) error {
	for _, tr := range l.Expr.Variables() {
		if tr.RootName() != "local" || len(tr) < 2 {
			continue
		}
		if a, ok := tr[1].(hcl.TraverseAttr); ok && errs[a.Name] != nil {
			return errs[a.Name]
		}
	}
	return nil
}

// localError returns the error of a local a step's expressions use, so
// the step fails with what went wrong in the local rather than with an
// unknown value.
func (s *scope) localError(st *runbooks.Step) error {
	if len(s.locals) == 0 {
		return nil
	}
	_, errs := s.localsNow(false)
	for _, tr := range stepTraversals(st) {
		if tr.RootName() != "local" || len(tr) < 2 {
			continue
		}
		if a, ok := tr[1].(hcl.TraverseAttr); ok && errs[a.Name] != nil {
			return errs[a.Name]
		}
	}
	return nil
}

// localTraversals returns the references of the locals a step uses,
// directly or through other locals, so that checks on a step's references
// (singleHostRefs) see through locals.
func localTraversals(trs []hcl.Traversal, locals []*runbooks.Local) []hcl.Traversal {
	byName := map[string]*runbooks.Local{}
	for _, l := range locals {
		byName[l.Name] = l
	}
	seen := map[string]bool{}
	var out []hcl.Traversal
	var visit func(trs []hcl.Traversal)
	visit = func(trs []hcl.Traversal) {
		for _, tr := range trs {
			if tr.RootName() != "local" || len(tr) < 2 {
				continue
			}
			a, ok := tr[1].(hcl.TraverseAttr)
			if !ok || seen[a.Name] || byName[a.Name] == nil {
				continue
			}
			seen[a.Name] = true
			own := byName[a.Name].Expr.Variables()
			out = append(out, own...)
			visit(own)
		}
	}
	visit(trs)
	return out
}
