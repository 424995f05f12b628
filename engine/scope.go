package engine

import (
	"maps"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
)

// scope holds the values expressions see: var.*, the results of the steps
// run so far, and (per host) host and self. Results are added between steps,
// never while a step's hosts run, so reads during a step need no lock; the
// mutex only guards against misuse.
type scope struct {
	mu      sync.RWMutex
	vars    cty.Value                                  // object of unmarked variable values
	marked  cty.Value                                  // the same, sensitive values still marked
	results map[string]map[string]map[string]cty.Value // phase -> type -> name -> value
	// markedResults holds, for steps whose outputs carry sensitive marks
	// (file_read of a private key), the value with its marks, for
	// markedContext. results holds them unmarked, for step types.
	markedResults map[string]cty.Value // address -> value
	funcs         map[string]function.Function
	inventory     cty.Value // `inventory`, see runbooks.InventoryValue
	locals        []*runbooks.Local
	// instances holds the values of the instances of steps with
	// for_each run so far, by block address and key (markedInstances
	// their marked forms, where they have one).
	instances, markedInstances map[string]map[string]cty.Value
	// each is `each` (marked) while an instance runs; NilVal otherwise.
	each cty.Value
}

// newScope returns the scope of a run that started at start: timestamp()
// is start in every expression of the run. A zero start (checks before a
// run) makes timestamp() unknown.
func newScope(dir string, vars map[string]cty.Value, inv *runbooks.Inventory, start time.Time) *scope {
	plain := make(map[string]cty.Value, len(vars))
	marked := make(map[string]cty.Value, len(vars))
	for k, v := range vars {
		plain[k], _ = v.UnmarkDeep()
		marked[k] = v
	}
	funcs := runbooks.Functions(dir)
	if !start.IsZero() {
		funcs = runbooks.FunctionsAt(dir, start)
	}
	return &scope{
		funcs:           funcs,
		inventory:       runbooks.InventoryValue(inv),
		vars:            cty.ObjectVal(plain),
		marked:          cty.ObjectVal(marked),
		markedResults:   map[string]cty.Value{},
		instances:       map[string]map[string]cty.Value{},
		markedInstances: map[string]map[string]cty.Value{},
		results: map[string]map[string]map[string]cty.Value{
			runbooks.Diagnose.String(): {},
			runbooks.Repair.String():   {},
		},
	}
}

// set records a step's value for later references; an instance's value
// is added to its block's map of instances.
func (s *scope) set(st *runbooks.Step, v cty.Value) {
	s.mu.Lock()
	defer s.mu.Unlock()
	byType := s.results[st.Phase.String()]
	if byType[st.Type] == nil {
		byType[st.Type] = map[string]cty.Value{}
	}
	if key, ok := st.InstanceKey(); ok {
		v = addInstance(s.instances, st.BlockAddress(), key, v)
		s.refreshMarked(st.BlockAddress())
	}
	byType[st.Type][st.Name] = v
}

// refreshMarked rebuilds the marked value of a block with for_each from
// its instances, when any has a marked form (s.mu must be held).
func (s *scope) refreshMarked(block string) {
	if len(s.markedInstances[block]) == 0 {
		return
	}
	all := maps.Clone(s.instances[block])
	maps.Copy(all, s.markedInstances[block])
	s.markedResults[block] = instancesValue(all)
}

// setMarked records the marked form of a step's value (see markedResults).
func (s *scope) setMarked(st *runbooks.Step, v cty.Value) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if key, ok := st.InstanceKey(); ok {
		addInstance(s.markedInstances, st.BlockAddress(), key, v)
		s.refreshMarked(st.BlockAddress())
		return
	}
	s.markedResults[st.BlockAddress()] = v
}

// addInstance records an instance's value in byBlock and returns its
// block's value.
func addInstance(byBlock map[string]map[string]cty.Value, block, key string, v cty.Value) cty.Value {
	if byBlock[block] == nil {
		byBlock[block] = map[string]cty.Value{}
	}
	byBlock[block][key] = v
	return instancesValue(byBlock[block])
}

// setEach sets `each` for the instance about to run (NilVal: none).
func (s *scope) setEach(each cty.Value) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.each = each
}

// evalContext returns the context for expressions of a step, on a host
// (nil: a step without `on`, or the `on` expression itself) with self
// bound (cty.NilVal: no self).
func (s *scope) evalContext(h *runbooks.InventoryHost, self cty.Value) *hcl.EvalContext {
	return s.context(h, self, false)
}

// markedContext is evalContext with sensitive variables still marked, so
// that an expression shows which of its values derive from a secret. Only
// the redactor uses it: step types get unmarked values.
func (s *scope) markedContext(h *runbooks.InventoryHost, self cty.Value) *hcl.EvalContext {
	return s.context(h, self, true)
}

func (s *scope) context(h *runbooks.InventoryHost, self cty.Value, marked bool) *hcl.EvalContext {
	s.mu.RLock()
	defer s.mu.RUnlock()
	vars := s.globals(marked)
	if len(s.locals) > 0 {
		values, _ := evalLocals(s.locals, vars, s.funcs)
		vars["local"] = cty.ObjectVal(values)
	}
	if h != nil {
		vars["host"] = runbooks.HostValue(h)
	}
	if self != cty.NilVal {
		vars["self"] = self
	}
	if s.each != cty.NilVal {
		vars["each"] = s.each
		if !marked {
			vars["each"], _ = s.each.UnmarkDeep()
		}
	}
	return &hcl.EvalContext{Variables: vars, Functions: s.funcs}
}

// localsNow evaluates the locals against the current results.
func (s *scope) localsNow(marked bool) (map[string]cty.Value, map[string]error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return evalLocals(s.locals, s.globals(marked), s.funcs)
}

// globals are the values every expression sees: var, inventory and the
// step results so far (s.mu must be held).
func (s *scope) globals(marked bool) map[string]cty.Value {
	vars := map[string]cty.Value{"var": s.vars, "inventory": s.inventory}
	if marked {
		vars["var"] = s.marked
	}
	for phase, byType := range s.results {
		types := map[string]cty.Value{}
		for t, byName := range byType {
			if marked {
				byName = s.withMarked(phase, t, byName)
			}
			types[t] = cty.ObjectVal(byName)
		}
		vars[phase] = cty.ObjectVal(types)
	}
	return vars
}

// withMarked returns one type's step values with those that have a marked
// form replaced by it (a copy; byName itself is not changed).
func (s *scope) withMarked(phase, typ string, byName map[string]cty.Value) map[string]cty.Value {
	var out map[string]cty.Value
	for name := range byName {
		mv, ok := s.markedResults[phase+"."+typ+"."+name]
		if !ok {
			continue
		}
		if out == nil {
			out = maps.Clone(byName)
		}
		out[name] = mv
	}
	if out == nil {
		return byName
	}
	return out
}

// hostOutput is one host's result of a step, for the step's value.
type hostOutput struct {
	host    string
	output  cty.Value // conforms to the step type's Output(); NilVal if none
	status  Status
	changed cty.Value // repairs: whether the host changed (unknown in a plan that would change it)
}

// stepValue builds the value a runbook sees as diagnose.<type>.<name>: the
// output attributes of the one host when the step targets exactly one host
// or has no `on` (null otherwise, and null when it did not run there),
// `hosts` with an entry for every host the step targets (see
// runbooks.HostEntryType), and for repairs `changed`.
func stepValue(st *runbooks.Step, t steps.Type, outs []hostOutput, changed cty.Value) cty.Value {
	outTy := t.Output()
	attrs := map[string]cty.Value{}
	for name, aty := range outTy.AttributeTypes() {
		attrs[name] = cty.NullVal(aty)
	}
	if len(outs) == 1 && outs[0].output != cty.NilVal {
		for name := range outTy.AttributeTypes() {
			attrs[name] = outs[0].output.GetAttr(name)
		}
	}
	hosts := map[string]cty.Value{}
	for _, o := range outs {
		if o.host != "" {
			hosts[o.host] = hostEntry(st, t, o)
		}
	}
	attrs["hosts"] = hostsValue(runbooks.HostEntryType(outTy, st.Phase), hosts)
	if st.Phase == runbooks.Repair {
		attrs["changed"] = changed
	}
	return cty.ObjectVal(attrs)
}

// hostEntry is one host's entry in `hosts`: its output (nulls when the
// step did not run there), its outcome and, for repairs, whether it
// changed. In a plan, a host the repair would change has an outcome known
// only at apply.
func hostEntry(st *runbooks.Step, t steps.Type, o hostOutput) cty.Value {
	outTy := t.Output()
	attrs := map[string]cty.Value{}
	for name, aty := range outTy.AttributeTypes() {
		attrs[name] = cty.NullVal(aty)
		if o.output != cty.NilVal {
			attrs[name] = o.output.GetAttr(name)
		}
	}
	attrs["outcome"] = cty.StringVal(string(o.status))
	if o.status == StatusChange || o.status == StatusUnknown || o.status == StatusDeferred {
		attrs["outcome"] = cty.UnknownVal(cty.String)
	}
	if st.Phase == runbooks.Repair {
		attrs["changed"] = o.changed
	}
	return cty.ObjectVal(attrs)
}

// conformOutput converts a step type's output to its declared type, so a
// step type cannot smuggle in attributes the validator did not know of.
// A null or NilVal output becomes an object of nulls.
func conformOutput(t steps.Type, v cty.Value) (cty.Value, error) {
	ty := t.Output()
	if v == cty.NilVal || v.IsNull() {
		attrs := map[string]cty.Value{}
		for name, aty := range ty.AttributeTypes() {
			attrs[name] = cty.NullVal(aty)
		}
		return cty.ObjectVal(attrs), nil
	}
	return convert.Convert(v, ty)
}

// unknownOutput is an output whose every attribute is known only at apply.
func unknownOutput(t steps.Type) cty.Value {
	return cty.UnknownVal(t.Output())
}

// hostsValue is the `hosts` attribute: a map of host entries by host name,
// as the validator types it. Outputs with dynamic attributes (a command's
// parsed json) can differ in concrete type from host to host; a map cannot
// hold them, so they are kept in an object, which indexes the same way.
func hostsValue(entryTy cty.Type, hosts map[string]cty.Value) cty.Value {
	if len(hosts) == 0 {
		return cty.MapValEmpty(entryTy)
	}
	var first cty.Type
	for _, v := range hosts {
		if first == cty.NilType {
			first = v.Type()
		} else if !v.Type().Equals(first) {
			return cty.ObjectVal(hosts)
		}
	}
	return cty.MapVal(hosts)
}
