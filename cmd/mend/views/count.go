package views

import (
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/steps"
)

// Counts are the numbers in a run's summary line.
type Counts struct {
	// Repairs. Skipped: `when` was false on every host the repair targets
	// (not the same as NoOp, where the repair ran its check and found the
	// host converged).
	Change, Unknown, NoOp, Skipped, Changed, Refused int
	Diagnosed, Deferred                              int // diagnoses
	Failed, Ignored, NotRun                          int // any step; Ignored: failed with on_failure = "continue"
}

// Count tallies a run's steps.
func Count(r *engine.Run) Counts {
	var c Counts
	for _, s := range r.Steps {
		if s.Status == engine.StatusFailed || s.Status == engine.StatusOutcomeUnknown {
			c.Failed++
			if s.FailureIgnored {
				c.Ignored++
			}
		}
		if s.Status == engine.StatusNotRun {
			c.NotRun++ // diagnoses too: the operator must know what was never checked
			continue
		}
		if s.Phase == steps.Diagnose {
			switch s.Status {
			case engine.StatusOk, engine.StatusFailed:
				c.Diagnosed++
			case engine.StatusDeferred:
				c.Deferred++
			}
			continue
		}
		switch s.Status {
		case engine.StatusChange:
			c.Change++
		case engine.StatusUnknown:
			c.Unknown++
		case engine.StatusNoOp:
			c.NoOp++
		case engine.StatusSkipped:
			c.Skipped++
		case engine.StatusChanged:
			c.Changed++
		case engine.StatusRefused:
			c.Refused++
		}
	}
	return c
}
