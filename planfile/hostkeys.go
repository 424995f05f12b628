package planfile

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
)

// HostKeys wraps a connector: it records the host key each host
// presented (for a plan being saved) and, applying a saved plan (Plan
// set), refuses a host whose key is not the one the plan reached.
type HostKeys struct {
	Inner engine.Connector
	Plan  *Plan // nil: record only
	mu    sync.Mutex
	seen  map[string]string
}

// Connect implements engine.Connector.
func (k *HostKeys) Connect(ctx context.Context, h *runbooks.InventoryHost) (steps.MutableHost, error) {
	mh, err := k.Inner.Connect(ctx, h)
	if err != nil {
		return nil, err
	}
	fp := mh.Info().HostKeyFingerprint
	if k.Plan != nil {
		if err := k.Plan.CheckHostKey(h.Name, fp); err != nil {
			k.Release(h, mh)
			return nil, steps.Errorf(steps.ClassHostKey, "%v", err)
		}
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.seen == nil {
		k.seen = map[string]string{}
	}
	k.seen[h.Name] = fp
	return mh, nil
}

// Release implements engine.Releaser when Inner does.
func (k *HostKeys) Release(h *runbooks.InventoryHost, mh steps.MutableHost) {
	if rel, ok := k.Inner.(engine.Releaser); ok {
		rel.Release(h, mh)
	}
}

// Retire implements engine.Releaser when Inner does.
func (k *HostKeys) Retire(h *runbooks.InventoryHost) {
	if rel, ok := k.Inner.(engine.Releaser); ok {
		rel.Retire(h)
	}
}

var _ engine.Releaser = (*HostKeys)(nil)

// Seen is the host key fingerprint each host presented, by host name.
func (k *HostKeys) Seen() map[string]string {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make(map[string]string, len(k.seen))
	for n, f := range k.seen {
		out[n] = f
	}
	return out
}

// CheckAll reaches every host the plan reached, before anything runs,
// and says which present another key than in the plan, or are no longer
// in the inventory.
func (k *HostKeys) CheckAll(ctx context.Context, inv *runbooks.Inventory) error {
	if inv == nil || k.Plan == nil {
		return nil
	}
	var d Drift
	for _, ph := range k.Plan.Hosts {
		if ph.HostKey == "" {
			continue
		}
		hosts, err := inv.Resolve([]string{ph.Name})
		if err != nil || len(hosts) != 1 {
			d.add("host %s of the plan is not in the inventory", ph.Name)
			continue
		}
		mh, err := k.Connect(ctx, hosts[0])
		if err != nil {
			d = append(d, err.Error())
			continue
		}
		k.Release(hosts[0], mh)
	}
	if len(d) > 0 {
		return d
	}
	return nil
}

// ApplyVarArgs are the -var options an apply of the plan runs with: the
// plan's own, then given, which may only set sensitive variables (their
// values are never kept in the plan); any other is refused.
func (p *Plan) ApplyVarArgs(given []string) ([]string, error) {
	sensitive := map[string]bool{}
	for _, v := range p.Vars {
		if v.Sensitive {
			sensitive[v.Name] = true
		}
	}
	for _, kv := range given {
		name, _, _ := strings.Cut(kv, "=")
		if !sensitive[name] {
			return nil, fmt.Errorf("-var %s: a saved plan fixes its inputs; only sensitive ones (not kept in the plan) are given again: make a new plan to change var.%s", name, name)
		}
	}
	return append(append([]string(nil), p.VarArgs...), given...), nil
}
