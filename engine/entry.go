package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
)

// Plan runs the runbook's diagnoses for real and previews every repair
// without changing anything: repairs only get read-only hosts and their
// Apply is never called. Diagnoses after a repair that would change
// something are deferred ("known at apply").
func (e *Engine) Plan(ctx context.Context, req Request) (*Run, error) {
	return e.newRunner(req, ModePlan).execute(ctx)
}

// Apply runs the runbook: diagnoses, then each repair after its gate (if
// any) is granted by req.Approver. A refused gate, a failed step (unless
// on_failure = "continue") or an unwritable audit log stops the run; what
// was not done is listed by (*Run).NotDone.
func (e *Engine) Apply(ctx context.Context, req Request) (*Run, error) {
	return e.newRunner(req, ModeApply).execute(ctx)
}

func (e *Engine) runID() string {
	if e.opts.RunID != "" {
		return e.opts.RunID
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
