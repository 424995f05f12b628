package engine

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/mend-sh/mend/runbooks"
	"github.com/zclconf/go-cty/cty"
)

// enter notes the steps that come after the one about to run. With
// early, the hosts they go to are worked out now, so that a host that
// finishes the step and has no later step gives its connection back at
// once (release); else that waits for the sweep after the step.
func (r *runner) enter(rest []*runbooks.Step, early bool) {
	r.rest, r.later = rest, nil
	if early {
		r.later = r.laterHosts(rest)
	}
}

// sweep retires the connections of every host connected so far that no
// step in r.rest goes to, now that the step that ran may have made their
// `on` known.
func (r *runner) sweep() {
	r.conns.retire(r.laterHosts(r.rest))
}

// laterHosts is the set of hosts the steps go to, nil when any of their
// `on` (or their stage's) is not known yet or fails: then every host is
// kept. It is nil too when the Connector is not a Releaser (nobody to
// tell).
func (r *runner) laterHosts(rest []*runbooks.Step) map[string]bool {
	if _, ok := r.e.opts.Connector.(Releaser); !ok {
		return nil
	}
	need := map[string]bool{}
	for _, st := range rest {
		for _, on := range stepOns(st) {
			if !r.addTargets(need, on) {
				return nil
			}
		}
	}
	return need
}

// stepOns are the `on` expressions that decide where a step goes: its
// own, and its stage's.
func stepOns(st *runbooks.Step) []hcl.Expression {
	var ons []hcl.Expression
	if st.On != nil {
		ons = append(ons, st.On)
	}
	if st.Stage != nil && st.Stage.On != nil {
		ons = append(ons, st.Stage.On)
	}
	return ons
}

// addTargets adds the hosts on names to need; false when they are not
// known (yet).
func (r *runner) addTargets(need map[string]bool, on hcl.Expression) bool {
	if r.req.Inventory == nil {
		return false
	}
	names, known, err := evalTargets(on, r.scope.evalContext(nil, cty.NilVal))
	if err != nil || !known {
		return false
	}
	hosts, err := r.req.Inventory.Resolve(names)
	if err != nil {
		return false
	}
	for _, h := range hosts {
		need[h.Name] = true
	}
	return true
}
