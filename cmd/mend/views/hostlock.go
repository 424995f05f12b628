package views

import (
	"fmt"

	"github.com/mend-sh/mend/engine"
)

// lockLines are the lines worth showing about a run's host locks: in a
// plan, who holds one; in an apply, a lock refused, broken, not released
// or in error (a lock taken and released is the normal case, not shown).
// Holders' fields come from hosts: every line is cleaned.
func lockLines(r *engine.Run) []string {
	var out []string
	for _, l := range r.HostLocks {
		var s string
		switch l.Status {
		case engine.LockHeld:
			s = "locked by " + l.Holder.String()
		case engine.LockRefused:
			s = "locked by " + l.Holder.String() + ": refused"
		case engine.LockNotReleased:
			s = "not released: now held by " + l.Holder.String()
		case engine.LockError:
			s = "lock error: " + l.Error
		case engine.LockReleased, engine.LockAcquired:
			if l.Broke == nil {
				continue
			}
		}
		if l.Broke != nil {
			if s != "" {
				s += "; "
			}
			by := l.BrokeBy
			if by == "" {
				by = "--break-lock"
			}
			s += "broke the lock of " + l.Broke.String() + " (" + by + ")"
		}
		out = append(out, Clean(l.Host+": "+s))
	}
	return out
}

// locks writes the text view's "Host locks:" block, if there is anything to say.
func (v Text) locks(r *engine.Run) {
	lines := lockLines(r)
	if len(lines) == 0 {
		return
	}
	fmt.Fprintln(v.W, "Host locks:")
	for _, l := range lines {
		fmt.Fprintf(v.W, "  %s\n", l)
	}
	fmt.Fprintln(v.W)
}

// locks writes the markdown view's host lock list.
func (v Markdown) locks(r *engine.Run) {
	lines := lockLines(r)
	for i := range lines {
		lines[i] = escape(lines[i])
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintln(v.W, "**Host locks**")
	fmt.Fprintln(v.W)
	for _, l := range lines {
		fmt.Fprintf(v.W, "- %s\n", l)
	}
	fmt.Fprintln(v.W)
}
