package views

import (
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/steps"
)

// Counts are the numbers in a run's summary line.
type Counts struct {
	Change, Unknown, NoOp, Changed, Refused int // repairs
	Diagnosed, Deferred                     int // diagnoses
	Failed, Ignored, NotRun                 int // any step; Ignored: failed with on_failure = "continue"
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
		case engine.StatusNoOp, engine.StatusSkipped:
			c.NoOp++
		case engine.StatusChanged:
			c.Changed++
		case engine.StatusRefused:
			c.Refused++
		}
	}
	return c
}
