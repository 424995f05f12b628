package planfile

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/runbooks"
	"github.com/zclconf/go-cty/cty"
)

// Drift is everything that differs between a saved plan and now; apply
// refuses the plan when it is not empty.
type Drift []string

func (d Drift) Error() string {
	return "the saved plan no longer holds, nothing was run:\n  - " + strings.Join(d, "\n  - ") +
		"\nMake a new plan (mend plan -out) and have it reviewed again."
}

func (d *Drift) add(format string, args ...any) { *d = append(*d, fmt.Sprintf(format, args...)) }

// CheckFiles compares the files the plan was made from with what is on
// disk now: the runbook (by sha256), the inventory (sha256), each var file
// (keyed digest). It also refuses an expired plan and one made with
// another plan key.
func (p *Plan) CheckFiles(key Key, now time.Time) Drift {
	var d Drift
	if p.Expired(now) {
		d.add("the plan expired at %s (it was made at %s and was valid for %s)", p.ExpiresAt.Format(time.RFC3339),
			p.CreatedAt.Format(time.RFC3339), p.ExpiresAt.Sub(p.CreatedAt))
	}
	if p.KeyID != key.ID() {
		d.add("the plan was made with another plan key (key id %s; this one is %s): pass the key it was made with (--plan-key)", p.KeyID, key.ID())
		return d // digests cannot be compared with the wrong key
	}
	if sum, err := fileSHA256(p.Runbook.Path); err != nil {
		d.add("the runbook %s cannot be read: %v", p.Runbook.Path, err)
	} else if sum != p.Runbook.SHA256 {
		d.add("the runbook %s was edited since the plan (sha256 %s, now %s)%s", p.Runbook.Path, short(p.Runbook.SHA256), short(sum),
			firstChange(p.Runbook.Text, p.Runbook.Path))
	}
	if p.Inventory != nil {
		if sum, err := fileSHA256(p.Inventory.Path); err != nil {
			d.add("the inventory %s cannot be read: %v", p.Inventory.Path, err)
		} else if sum != p.Inventory.SHA256 {
			d.add("the inventory %s changed since the plan (sha256 %s, now %s)", p.Inventory.Path, short(p.Inventory.SHA256), short(sum))
		}
	}
	for _, vf := range p.VarFiles {
		b, err := os.ReadFile(vf.Path)
		if err != nil {
			d.add("the var file %s cannot be read: %v", vf.Path, err)
		} else if key.Digest("var file", b) != vf.Digest {
			d.add("the var file %s changed since the plan", vf.Path)
		}
	}
	return d
}

// CheckInputs compares the resolved variables and inventory hosts with
// the plan's. Sensitive values are compared by keyed digest and never
// shown.
func (p *Plan) CheckInputs(key Key, rb *runbooks.Runbook, vars map[string]cty.Value, inv *runbooks.Inventory) Drift {
	var d Drift
	now, err := VarRecords(key, vars, sensitiveNames(rb))
	if err != nil {
		d.add("%v", err)
		return d
	}
	was := map[string]Var{}
	for _, v := range p.Vars {
		was[v.Name] = v
	}
	for _, v := range now {
		old, ok := was[v.Name]
		delete(was, v.Name)
		switch {
		case !ok:
			d.add("input var.%s was not in the plan", v.Name)
		case v.Sensitive || old.Sensitive:
			if v.Digest != old.Digest {
				d.add("input var.%s (sensitive) is not the value the plan was made with (compared by keyed digest; give the same value again with -var or its var file)", v.Name)
			}
		case !bytes.Equal(v.Value, old.Value):
			d.add("input var.%s changed: the plan had %s, now %s", v.Name, clip(string(old.Value)), clip(string(v.Value)))
		}
	}
	for name := range was {
		d.add("input var.%s of the plan has no value now", name)
	}
	if (inv == nil) != (p.Inventory == nil) {
		d.add("the plan was made %s an inventory; now %s", with(p.Inventory != nil), with(inv != nil))
		return d
	}
	if inv == nil {
		return d
	}
	planned := map[string]Host{}
	for _, h := range p.Hosts {
		planned[h.Name] = h
	}
	for _, h := range inv.Hosts {
		old, ok := planned[h.Name]
		delete(planned, h.Name)
		if !ok {
			d.add("inventory host %s was not in the plan's inventory", h.Name)
			continue
		}
		if old.Address != h.Address || old.Port != h.Port || old.User != h.User {
			d.add("inventory host %s is now %s (the plan reached %s)", h.Name, target(h.User, h.Address, h.Port), target(old.User, old.Address, old.Port))
		}
	}
	for name := range planned {
		d.add("inventory host %s of the plan is gone from the inventory", name)
	}
	return d
}

// CheckHostKey compares the key a host presents now with the plan's.
func (p *Plan) CheckHostKey(name, fingerprint string) error {
	for _, h := range p.Hosts {
		if h.Name == name && h.HostKey != "" && h.HostKey != fingerprint {
			return fmt.Errorf("the host key of %s changed since the plan: the plan reached %s, now %s presents %s", name, h.HostKey, name, fingerprint)
		}
	}
	return nil
}

func with(b bool) string {
	if b {
		return "with"
	}
	return "without"
}

func target(user, addr string, port int) string {
	s := addr
	if user != "" {
		s = user + "@" + s
	}
	if port != 0 {
		s = fmt.Sprintf("%s:%d", s, port)
	}
	return s
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

// firstChange names the first line where the runbook differs from the
// text the plan holds, as ", first at line N".
func firstChange(was, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	a, c := strings.Split(was, "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(a) && i < len(c); i++ {
		if a[i] != c[i] {
			return fmt.Sprintf(", first at line %d", i+1)
		}
	}
	return fmt.Sprintf(", first at line %d", min(len(a), len(c))+1)
}

// Expectation is what apply checks step by step (engine.Request.Expect).
func (p *Plan) Expectation() engine.Expectation {
	e := expectation{steps: map[string]Step{}}
	for _, s := range p.Steps {
		e.steps[s.Address] = s
	}
	return e
}

type expectation struct {
	steps map[string]Step
}

// undecided statuses are those a plan could not know: nothing to compare.
func undecided(s string) bool {
	switch engine.Status(s) {
	case engine.StatusDeferred, engine.StatusUnknown, engine.StatusNotRun:
		return true
	}
	return false
}

func (e expectation) Diagnosed(sr *engine.StepRun) error {
	ps, ok := e.steps[sr.Address]
	if !ok {
		return fmt.Errorf("the plan did not run %s", sr.Address)
	}
	if undecided(ps.Status) {
		return nil
	}
	var d Drift
	planned := map[string]StepHost{}
	for _, h := range ps.Hosts {
		planned[h.Host] = h
	}
	for _, h := range sr.Hosts {
		old, ok := planned[h.Host]
		delete(planned, h.Host)
		switch {
		case !ok:
			d.add("it now runs on %s, which the plan did not", hostLabel(h.Host))
		case undecided(old.Status):
		case old.Status != string(h.Status):
			d.add("on %s the plan recorded %s, now %s%s", hostLabel(h.Host), old.Status, h.Status, because(h))
		case old.ResultDigest != h.ResultDigest:
			d.add("on %s it returns something else now (in what the runbook uses of its result)", hostLabel(h.Host))
		}
	}
	for name := range planned {
		d.add("the plan ran it on %s too; now it does not", hostLabel(name))
	}
	if len(d) > 0 {
		return fmt.Errorf("%s", strings.Join(d, "; "))
	}
	return nil
}

func (e expectation) Previewed(sr *engine.StepRun, hosts []*engine.HostRun) error {
	ps, ok := e.steps[sr.Address]
	if !ok {
		return fmt.Errorf("the plan did not preview %s", sr.Address)
	}
	if undecided(ps.Status) {
		return nil
	}
	planned := map[string]StepHost{}
	for _, h := range ps.Hosts {
		planned[h.Host] = h
	}
	var d Drift
	for _, h := range hosts {
		old, ok := planned[h.Host]
		switch {
		case !ok:
			d.add("it would now run on %s, which the plan did not show", hostLabel(h.Host))
		case undecided(old.Status):
		case old.Status != string(h.Status):
			d.add("on %s the plan showed %s, now %s%s", hostLabel(h.Host), old.Status, h.Status, because(h))
		case old.PreviewSHA256 != previewSHA256(h):
			if old.Summary != h.Summary {
				d.add("on %s the preview is not the one reviewed: reviewed %q, now %q", hostLabel(h.Host), old.Summary, h.Summary)
			} else {
				d.add("on %s the preview is not the one reviewed (same summary %q, other changes)", hostLabel(h.Host), h.Summary)
			}
		}
	}
	if len(d) > 0 {
		return fmt.Errorf("%s", strings.Join(d, "; "))
	}
	return nil
}

func hostLabel(h string) string {
	if h == "" {
		return "its one run"
	}
	return h
}

func because(h *engine.HostRun) string {
	switch {
	case h.Error != "":
		return " (" + clip(h.Error) + ")"
	case h.Summary != "":
		return " (" + clip(h.Summary) + ")"
	}
	return ""
}
