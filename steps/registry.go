package steps

import (
	"fmt"
	"sort"
)

// Registry holds the step types a runbook may use, by phase and name. It is
// built once from an explicit list (steps/builtin) and read-only after.
type Registry struct {
	diagnosers map[string]Diagnoser
	repairers  map[string]Repairer
}

// NewRegistry builds a registry. A type may be both a Diagnoser and a
// Repairer only if passed twice (once per list). A duplicate name within a
// phase panics: the list is code, and a duplicate is a programming error.
func NewRegistry(diagnosers []Diagnoser, repairers []Repairer) *Registry {
	r := &Registry{diagnosers: map[string]Diagnoser{}, repairers: map[string]Repairer{}}
	for _, d := range diagnosers {
		if _, dup := r.diagnosers[d.Name()]; dup {
			panic(fmt.Sprintf("steps: duplicate diagnose type %q", d.Name()))
		}
		r.diagnosers[d.Name()] = d
	}
	for _, rp := range repairers {
		if _, dup := r.repairers[rp.Name()]; dup {
			panic(fmt.Sprintf("steps: duplicate repair type %q", rp.Name()))
		}
		r.repairers[rp.Name()] = rp
	}
	return r
}

// Lookup returns the step type for a phase and name, or nil.
func (r *Registry) Lookup(phase Phase, name string) Type {
	switch phase {
	case Diagnose:
		if d, ok := r.diagnosers[name]; ok {
			return d
		}
	case Repair:
		if rp, ok := r.repairers[name]; ok {
			return rp
		}
	}
	return nil
}

// Diagnoser returns the diagnose type named name, or nil.
func (r *Registry) Diagnoser(name string) Diagnoser { return r.diagnosers[name] }

// Repairer returns the repair type named name, or nil.
func (r *Registry) Repairer(name string) Repairer { return r.repairers[name] }

// Names returns the sorted names of the types of a phase (for "did you mean").
func (r *Registry) Names(phase Phase) []string {
	var names []string
	switch phase {
	case Diagnose:
		for n := range r.diagnosers {
			names = append(names, n)
		}
	case Repair:
		for n := range r.repairers {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}
