package engine

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/mend-sh/mend/runbooks"
)

// pendingChanges is what a plan knows of the changes it previewed: the
// repairs that would (or might) change something, and where. A diagnosis
// runs in plan unless it depends on one of them: it refers to such a
// repair (or to a diagnosis deferred for that reason), or it runs on a
// host such a repair would change (there, what it reads may be about to
// change). A diagnosis without `on` may read any host, so any pending
// change defers it; a pending repair without `on` may change any host, so
// it defers every later diagnosis. `plan = "run"` on a diagnosis runs it
// regardless, and says so.
type pendingChanges struct {
	first    string            // the first pending repair's address
	blocks   map[string]string // pending repair block -> its first pending instance
	hosts    map[string]string // host -> the first repair pending on it
	anywhere string            // the first pending repair without `on`
	cluster  string            // the first pending repair of a steps.ClusterWide type
	deferred map[string]bool   // diagnosis blocks deferred in part or in whole
}

func newPendingChanges() *pendingChanges {
	return &pendingChanges{blocks: map[string]string{}, hosts: map[string]string{}, deferred: map[string]bool{}}
}

// record notes what a step of a plan leaves pending: a repair's changes,
// a diagnosis that was deferred. cluster says the repair's type changes
// what every host sees (steps.ClusterWide).
func (p *pendingChanges) record(st *runbooks.Step, sr *StepRun, cluster bool) {
	block := st.BlockAddress()
	if st.Phase == runbooks.Diagnose {
		if sr.Status == StatusDeferred {
			p.deferred[block] = true
		}
		for _, h := range sr.Hosts {
			if h.Status == StatusDeferred {
				p.deferred[block] = true
			}
		}
		return
	}
	if !sr.pending() {
		return
	}
	if p.first == "" {
		p.first = sr.Address
	}
	if p.blocks[block] == "" {
		p.blocks[block] = sr.Address
	}
	if cluster && p.cluster == "" {
		p.cluster = sr.Address
	}
	if len(sr.Hosts) == 0 && p.anywhere == "" {
		p.anywhere = sr.Address // its `on` is known only at apply
	}
	for _, h := range sr.Hosts {
		if h.Status != StatusChange && h.Status != StatusUnknown {
			continue
		}
		switch {
		case h.Host == "" && p.anywhere == "":
			p.anywhere = sr.Address
		case h.Host != "" && p.hosts[h.Host] == "":
			p.hosts[h.Host] = sr.Address
		}
	}
}

// stepDeferral says why a diagnosis as a whole depends on a pending
// change, from its references (trs, with the locals it uses) and `on`;
// "" when it does not.
func (p *pendingChanges) stepDeferral(st *runbooks.Step, trs []hcl.Traversal) string {
	for _, tr := range trs {
		block, ok := stepBlockRef(tr)
		if !ok {
			continue
		}
		if a := p.blocks[block]; a != "" {
			return fmt.Sprintf("uses %s, which would change something", a)
		}
		if p.deferred[block] {
			return fmt.Sprintf("uses %s, which is deferred", block)
		}
	}
	switch {
	case p.anywhere != "":
		return fmt.Sprintf("runs after %s, which would change something on hosts a plan cannot name", p.anywhere)
	case p.cluster != "":
		return fmt.Sprintf("runs after %s, which would change what every host of the cluster sees", p.cluster)
	case st.On == nil && p.first != "":
		return fmt.Sprintf("runs after %s, which would change something, and has no `on` to say which hosts it reads", p.first)
	}
	return ""
}

// hostDeferral says why a diagnosis on host depends on a pending change
// there; "" when none is pending on it.
func (p *pendingChanges) hostDeferral(host string) string {
	if a := p.hosts[host]; a != "" {
		return fmt.Sprintf("runs after %s, which would change %s", a, host)
	}
	return ""
}

// stepBlockRef is the block address a reference to a step result names
// (diagnose.T.N...), if it is one.
func stepBlockRef(tr hcl.Traversal) (string, bool) {
	root := tr.RootName()
	if root != "diagnose" && root != "repair" || len(tr) < 3 {
		return "", false
	}
	typ, ok1 := tr[1].(hcl.TraverseAttr)
	name, ok2 := tr[2].(hcl.TraverseAttr)
	if !ok1 || !ok2 {
		return "", false
	}
	return root + "." + typ.Name + "." + name.Name, true
}

// stepRefs is every reference a step makes, with those of the locals it
// uses.
func (r *runner) stepRefs(st *runbooks.Step) []hcl.Traversal {
	trs := stepTraversals(st)
	return append(trs, localTraversals(trs, r.req.Runbook.Locals)...)
}

// deferTasks defers, in a plan, a diagnosis of a stage batch: all its
// tasks when the step as a whole depends on a pending change, else those
// on hosts a pending repair would change (deferHosts). It reports whether
// no task is left to run.
func (r *runner) deferTasks(st *runbooks.Step, sr *StepRun, group []*hostTask) bool {
	if r.mode != ModePlan || st.Phase != runbooks.Diagnose {
		return false
	}
	if why := r.planDeferral(st, r.stepRefs(st)); why != "" && !st.PlanRun {
		for _, t := range group {
			t.result.Status, t.done = StatusDeferred, true
			t.result.Summary = why + "; known at apply"
			t.output = unknownOutput(r.stepType(st))
		}
		return true
	}
	r.deferHosts(st, sr, group)
	for _, t := range group {
		if !t.done {
			return false
		}
	}
	return true
}

// taskResults are the results of tasks, in order.
func taskResults(tasks []*hostTask) []*HostRun {
	out := make([]*HostRun, len(tasks))
	for i, t := range tasks {
		out[i] = t.result
	}
	return out
}
