package engine

import (
	"context"

	"github.com/mend-sh/mend/steps"
)

// Gate is what an Approver is asked: a repair guarded by an approval block,
// with its reason and what it would do on each host (fresh previews made
// just before asking).
type Gate struct {
	Address  string
	Reason   string
	Previews []HostPreview
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
}

// Approver decides gates. The CLI provides a terminal approver (the
// operator types the repair's name) and a flag approver (--approve ADDR).
// There is deliberately no approver that grants everything.
type Approver interface {
	Approve(ctx context.Context, g Gate) (Decision, error)
}
