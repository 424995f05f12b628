package main

import (
	"fmt"

	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/cmd/mend/views"
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/planfile"
)

// prepareResume sets an apply's facts (digests of its inputs, for its
// run_start record) and, with --resume RUN, reads what RUN left, refuses
// when the runbook, plan, inputs or inventory differ from RUN's, and
// settles RUN's repairs of unknown outcome with the operator's flags.
// Nothing has run when it fails.
func (a *app) prepareResume(o runOptions, logPath string, req *engine.Request) error {
	facts, err := planfile.Facts(func() (planfile.Key, error) { return loadPlanKey(o.planKey, true) },
		req.Runbook, req.Vars, req.Inventory)
	if err != nil {
		return err
	}
	req.Facts = facts
	if o.resume == "" {
		return nil
	}
	res, err := audit.ReadResume(logPath, o.resume)
	if err != nil {
		return fmt.Errorf("cannot resume: %w (nothing was run)", err)
	}
	if err := res.Check(req.Runbook.SHA256, req.PlanSHA256, facts); err != nil {
		return err
	}
	if err := res.Decide(o.rerunUnknown, o.skipUnknown); err != nil {
		return err
	}
	req.Resume = res
	fmt.Fprintf(a.stderr, "Resuming run %s (started %s by %s): %d repair(s) it finished are skipped; diagnoses run again.\n",
		views.Clean(res.RunID), res.Start.Time.Format("2006-01-02T15:04:05Z07:00"), views.Clean(res.Start.Operator), len(res.Done))
	return nil
}
