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
// use the plan up. A missing log has applied nothing; a log that cannot
// be read at all cannot tell, and is an error.
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
			return fmt.Errorf("this plan was already applied: run %s started %s by %s ran %s (a saved plan is single-use: make a new plan)",
				st.RunID, st.Time.Format(time.RFC3339), st.Operator, r.Step)
		}
	}
	return nil
}
