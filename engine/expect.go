package engine

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/runbooks"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// Expectation is what a saved plan recorded. An apply of a saved plan
// (Request.Expect) asks it after every diagnose and before every repair,
// and does not go past a step whose result is not what was reviewed.
type Expectation interface {
	// Diagnosed is called in an apply once a diagnose has run on all its
	// hosts (ResultDigest set, see Request.DigestKey). An error stops the
	// run before the next step: diagnoses change nothing, so nothing the
	// plan did not show has happened yet.
	Diagnosed(sr *StepRun) error
	// Previewed is called in an apply with a repair's fresh previews on a
	// batch of hosts, before its gate is asked and before it runs. An
	// error refuses the batch, and the run stops.
	Previewed(sr *StepRun, hosts []*HostRun) error
}

// digestResults sets ResultDigest on the hosts a diagnose ran on: a keyed
// digest (HMAC-SHA256 with Request.DigestKey) of the attributes of the
// host's result that the runbook uses anywhere (when, arguments, expect
// blocks, locals, approval reasons). Attributes nothing reads, such as a
// service's uptime, do not make a saved plan stale. It is keyed so that a
// digest of a secret in a plan file cannot be checked against guesses.
func (r *runner) digestResults(st *runbooks.Step, tasks []*hostTask) {
	if len(r.req.DigestKey) == 0 || st.Phase != runbooks.Diagnose {
		return
	}
	used := r.usedAttrs()[baseAddress(st.Address())]
	if len(used) == 0 {
		return
	}
	for _, t := range tasks {
		if t.output == cty.NilVal || !t.output.IsWhollyKnown() || t.result.Status != StatusOk {
			continue
		}
		if d, ok := resultDigest(r.req.DigestKey, t.output, used); ok {
			t.result.ResultDigest = d
		}
	}
}

// resultDigest is the keyed digest of the used attributes of out (every
// attribute when used holds "*").
func resultDigest(key []byte, out cty.Value, used map[string]bool) (string, bool) {
	v := out
	if !used["*"] && out.Type().IsObjectType() {
		attrs := map[string]cty.Value{}
		for name := range used {
			if out.Type().HasAttribute(name) {
				attrs[name] = out.GetAttr(name)
			}
		}
		v = cty.ObjectVal(attrs)
	}
	v, _ = v.UnmarkDeep()
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return "", false
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("mend result\x00"))
	m.Write(b)
	return "hmac-sha256:" + hex.EncodeToString(m.Sum(nil)), true
}

// usedAttrs maps each step's address to the output attributes of it that
// any expression of the runbook reads ("*": the whole value).
func (r *runner) usedAttrs() map[string]map[string]bool {
	if r.used != nil {
		return r.used
	}
	rb := r.req.Runbook
	var trs []hcl.Traversal
	for _, st := range rb.Steps {
		trs = append(trs, stepTraversals(st)...)
		if st.Approval != nil && st.Approval.ReasonExpr != nil {
			trs = append(trs, st.Approval.ReasonExpr.Variables()...)
		}
	}
	for _, l := range rb.Locals {
		trs = append(trs, l.Expr.Variables()...)
	}
	r.used = map[string]map[string]bool{}
	for _, tr := range trs {
		addr, attr, ok := usedAttr(tr)
		if !ok {
			continue
		}
		if r.used[addr] == nil {
			r.used[addr] = map[string]bool{}
		}
		r.used[addr][attr] = true
	}
	return r.used
}

// usedAttr reads diagnose.T.N.ATTR, diagnose.T.N.hosts[K].ATTR and
// diagnose.T.N (the whole value, "*") from a reference.
func usedAttr(tr hcl.Traversal) (addr, attr string, ok bool) {
	root := tr.RootName()
	if (root != "diagnose" && root != "repair") || len(tr) < 3 {
		return "", "", false
	}
	typ, ok1 := tr[1].(hcl.TraverseAttr)
	name, ok2 := tr[2].(hcl.TraverseAttr)
	if !ok1 || !ok2 {
		return "", "", false
	}
	addr = root + "." + typ.Name + "." + name.Name
	rest := tr[3:]
	if len(rest) == 0 {
		return addr, "*", true
	}
	first, ok := traverseName(rest[0])
	if !ok {
		return addr, "*", true
	}
	if first != "hosts" {
		return addr, first, true
	}
	if len(rest) < 3 {
		return addr, "*", true
	}
	a, ok := traverseName(rest[2])
	if !ok {
		return addr, "*", true
	}
	return addr, a, true
}

func traverseName(t hcl.Traverser) (string, bool) {
	switch a := t.(type) {
	case hcl.TraverseAttr:
		return a.Name, true
	case hcl.TraverseIndex:
		if a.Key.IsKnown() && !a.Key.IsNull() && a.Key.Type() == cty.String {
			return a.Key.AsString(), true
		}
	}
	return "", false
}

// expectDiagnosed asks the saved plan's Expectation about a diagnose that
// ran; a difference fails the step and stops the run.
func (r *runner) expectDiagnosed(st *runbooks.Step, sr *StepRun) {
	if r.mode != ModeApply || r.req.Expect == nil || st.Phase != runbooks.Diagnose || r.passedBefore(st) {
		return
	}
	err := r.req.Expect.Diagnosed(sr)
	if err == nil {
		return
	}
	why := r.redact.String(err.Error())
	sr.Status = StatusFailed
	sr.Reason = "differs from the saved plan: " + why
	if aerr := r.audit.append(audit.Record{Event: audit.EventNote, Step: st.Address(), Reason: sr.Reason}); aerr != nil {
		why += "; the audit log cannot be written: " + aerr.Error()
	}
	r.stopOnce(fmt.Sprintf("%s differs from the saved plan: %s", st.Address(), why))
}

// expectPreviews asks the saved plan's Expectation about a repair's fresh
// previews before its gate; a difference refuses the batch (audited as a
// refused approval) and the run stops.
func (r *runner) expectPreviews(st *runbooks.Step, sr *StepRun, group []*hostTask) bool {
	if r.mode != ModeApply || r.req.Expect == nil {
		return true
	}
	hosts := make([]*HostRun, 0, len(group))
	var names []string
	for _, t := range group {
		if t.resumed != "" {
			continue // done in the resumed run, which checked it
		}
		hosts = append(hosts, t.result)
		names = append(names, t.name())
	}
	if len(hosts) == 0 {
		return true
	}
	err := r.req.Expect.Previewed(sr, hosts)
	if err == nil {
		return true
	}
	why := "differs from the saved plan: " + r.redact.String(err.Error())
	if aerr := r.audit.approval(st.Address(), Decision{Reason: why, By: "saved plan check"}, names, ""); aerr != nil {
		why += "; the audit log cannot be written: " + aerr.Error()
	}
	r.refuseBatch(sr, group, why)
	return false
}

// baseAddress strips an instance key from a step address
// (diagnose.T.N["k"] -> diagnose.T.N).
func baseAddress(addr string) string {
	if i := strings.IndexByte(addr, '['); i > 0 {
		return addr[:i]
	}
	return addr
}
