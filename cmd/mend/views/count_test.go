package views

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/steps"
)

// A repair whose `when` was false on every host is skipped, not "already
// converged": it never checked the host.
func TestCountSkippedRepairs(t *testing.T) {
	r := &engine.Run{Mode: engine.ModeApply, Steps: []*engine.StepRun{
		{Phase: steps.Repair, Status: engine.StatusSkipped},
		{Phase: steps.Repair, Status: engine.StatusNoOp},
		{Phase: steps.Repair, Status: engine.StatusChanged},
		{Phase: steps.Diagnose, Status: engine.StatusSkipped},
	}}
	want := Counts{NoOp: 1, Skipped: 1, Changed: 1}
	if d := cmp.Diff(want, Count(r)); d != "" {
		t.Errorf("Count (-want +got):\n%s", d)
	}
}
