package engine

import (
	"context"

	"github.com/mend-sh/mend/runbooks"

	"github.com/mend-sh/mend/steps"
)

// Gate is what an Approver is asked: a repair guarded by an approval block,
// with its reason and what it would do on each host (fresh previews made
// just before asking).
type Gate struct {
	// Address is the gated step's address (an instance's, for a step
	// with for_each); Block is its block's address. Approving the block
	// approves every instance.
	Address  string
	Block    string
	Reason   string
	Previews []HostPreview
	// Batch is, for a step in a stage, which batch the gate is asked for
	// ("stage roll, batch 2 of 3: web-2"); the gate is asked once per
	// batch.
	Batch string
}

// HostPreview is one host's preview shown at a gate.
type HostPreview struct {
	Host    string
	Preview steps.Preview
}

// Decision is an approver's answer. By names who or what granted it
// ("operator alice on /dev/pts/1", "--approve flag"); it goes to the audit
// log.
type Decision struct {
	Granted bool
	By      string
	Reason  string // why refused, for the audit log and the operator
	// Signers are the signed approvals that granted it ("alice
	// (SHA256:…)"), for the audit log.
	Signers []string
}

// Approver decides gates. The CLI provides a terminal approver (the
// operator types the repair's name) and a flag approver (--approve ADDR).
// There is deliberately no approver that grants everything.
type Approver interface {
	Approve(ctx context.Context, g Gate) (Decision, error)
}

// gate asks the approver before a gated repair runs on a batch. Hosts that
// would change nothing need no approval; when none would, the gate is not
// asked at all. The decision is written to the audit log before anything
// runs; if it cannot be, the gate counts as refused (fail closed).
func (r *runner) gate(ctx context.Context, st *runbooks.Step, sr *StepRun, group []*hostTask) bool {
	reason, err := r.approvalReason(st)
	if err != nil {
		// Fail closed: a gate whose reason cannot be shown is not asked.
		why := "the approval reason cannot be rendered: " + r.redact.String(err.Error())
		if aerr := r.audit.approval(st.Address(), Decision{Reason: why}, nil, ""); aerr != nil {
			why += "; the audit log cannot be written: " + aerr.Error()
		}
		r.refuseBatch(sr, group, why)
		return false
	}
	sr.Approval = reason
	g := Gate{Address: st.Address(), Block: st.BlockAddress(), Reason: reason, Batch: r.batch}
	var hosts []string
	for _, t := range group {
		if t.done || t.result.Preview == nil {
			continue
		}
		g.Previews = append(g.Previews, HostPreview{Host: t.name(), Preview: *t.result.Preview})
		hosts = append(hosts, t.name())
	}
	if len(g.Previews) == 0 {
		return true
	}
	d := Decision{Reason: "no approver (non-interactive run without --approve " + st.Address() + ")"}
	if r.req.Approver != nil {
		var err error
		d, err = r.req.Approver.Approve(ctx, g)
		if err != nil {
			d = Decision{Reason: "approval failed: " + err.Error()}
		}
	}
	if err := r.audit.approval(st.Address(), d, hosts, reason); err != nil {
		d = Decision{Reason: "the audit log cannot be written: " + err.Error()}
	}
	if d.Granted {
		sr.Approved = d.By
		return true
	}
	r.refuseBatch(sr, group, d.Reason)
	return false
}

// refuseBatch marks the hosts of a batch refused at its gate.
func (r *runner) refuseBatch(sr *StepRun, group []*hostTask, why string) {
	for _, t := range group {
		if t.done {
			continue
		}
		t.result.Status, t.done = StatusRefused, true
		t.result.Summary = why
	}
	sr.Reason = "approval refused: " + why
}
