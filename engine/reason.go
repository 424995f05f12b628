package engine

import (
	"fmt"

	"github.com/mend-sh/mend/runbooks"
	"github.com/zclconf/go-cty/cty"
)

// approvalReason is a gated repair's reason, rendered with the results so
// far when it uses step results (runbooks.Approval.ReasonExpr): at the
// gate in an apply; in a plan, where they may be known only at apply, as
// its source text. A reason that would show a sensitive value is an error
// (the reason is shown and audited).
func (r *runner) approvalReason(st *runbooks.Step) (string, error) {
	a := st.Approval
	if a == nil || a.ReasonExpr == nil {
		if a == nil {
			return "", nil
		}
		return a.Reason, nil
	}
	v, diags := a.ReasonExpr.Value(r.scope.markedContext(nil, cty.NilVal))
	if diags.HasErrors() {
		return "", diagErr(diags)
	}
	switch {
	case !v.IsWhollyKnown():
		return sourceText(r.req.Runbook, a.ReasonExpr.Range()) + " (known at apply)", nil
	case v.ContainsMarked():
		return "", fmt.Errorf("%s: the approval reason would show a sensitive value; it is shown to the operator and audited, so leave the secret out", a.ReasonExpr.Range())
	case v.IsNull():
		return "", fmt.Errorf("%s: the approval reason is null", a.ReasonExpr.Range())
	}
	return v.AsString(), nil
}
