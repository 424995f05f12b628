package audit

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"
)

// PlanApplied refuses a saved plan (by its sha256) that the log at path
// shows was applied before: a run of it that started a repair. A run
// refused before any repair (a gate not yet approved, a drift) does not
// use the plan up. When that run (or the last run that resumed it) did not
// finish, the plan is not applied again either: the error names the run
// to resume (`mend apply --resume RUN FILE`). A missing log has applied
// nothing; a log that cannot be read at all cannot tell, and is an error.
func PlanApplied(path, digest string) error {
	recs, err := ReadAll(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil && len(recs) == 0 {
		return fmt.Errorf("cannot tell whether this plan was applied before: %v (nothing was run)", err)
	}
	starts := map[string]Record{}
	for _, r := range recs {
		if r.Event == EventRunStart && r.Mode == ModeApply && r.PlanSHA256 == digest {
			starts[r.RunID] = r
			continue
		}
		st, ok := starts[r.RunID]
		if ok && r.Event == EventStepStart && strings.HasPrefix(r.Step, "repair.") {
			return planUsed(indexRuns(recs), st, r.Step)
		}
	}
	return nil
}

// planUsed is the error for a plan whose run st started repair step: the
// plan was applied, or its run (or the last run resuming it) did not finish.
func planUsed(idx runIndex, st Record, step string) error {
	last := st
	for i := 0; i < len(idx.starts); i++ {
		by, ok := idx.resumedBy[last.RunID]
		if !ok {
			break
		}
		last = by
	}
	if _, ended := idx.ends[last.RunID]; !ended {
		return fmt.Errorf("this plan's run %s (started %s by %s) ran %s and did not finish: a saved plan is not applied twice; "+
			"resume that run with `mend apply --resume %s PLANFILE` (it skips what the run finished)",
			last.RunID, last.Time.Format(time.RFC3339), last.Operator, step, last.RunID)
	}
	return fmt.Errorf("this plan was already applied: run %s started %s by %s ran %s (a saved plan is single-use: make a new plan)",
		st.RunID, st.Time.Format(time.RFC3339), st.Operator, step)
}
