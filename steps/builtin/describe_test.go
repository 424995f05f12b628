package builtin_test

import (
	"testing"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/builtin"
)

// TestEveryTypeDescribes: every built-in step type says what it does
// (steps.Describer), so `mend show` never falls back to listing a
// built-in's arguments. A new type needs a Describe and its test.
func TestEveryTypeDescribes(t *testing.T) {
	reg := builtin.Registry()
	for _, phase := range []steps.Phase{steps.Diagnose, steps.Repair} {
		for _, name := range reg.Names(phase) {
			if _, ok := reg.Lookup(phase, name).(steps.Describer); !ok {
				t.Errorf("%s type %q has no Describe", phase, name)
			}
		}
	}
}
