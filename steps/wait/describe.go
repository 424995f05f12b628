package wait

import (
	"strings"

	"github.com/mend-sh/mend/steps"
)

var _ steps.Describer = (*Type)(nil)

// Describe says what is checked, how often, and until what: the nested
// check as its own type describes it (or by its type's name).
func (t *Type) Describe(a steps.Args) steps.Description {
	check := "a check"
	for _, b := range a.Blocks {
		if b.Type != "check" || len(b.Labels) != 1 {
			continue
		}
		check = b.Labels[0]
		if b.Labels[0] == t.Name() {
			break
		}
		if d, ok := t.lookup(b.Labels[0]).(steps.Describer); ok {
			check = strings.TrimSuffix(d.Describe(b.Args).Summary, ".")
		}
	}
	s := "repeats, every " + a.Text("interval", DefaultInterval.String()) + ", until " + a.Text("until", "the check is ok")
	if a.Has("stable_for") {
		s += " for " + a.Text("stable_for", "")
	}
	return steps.Description{Summary: s + ": " + check}
}
