package engine

import (
	"fmt"
	"strings"

	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/steps"
)

// auditor turns engine events into audit records. Every string passes the
// run's redactor first. A nil sink drops records (engine tests only).
type auditor struct {
	sink     AuditSink
	run      *Run
	operator string
	redact   *redactor
	// batch names the stage batch running now, added to approval records.
	batch string
}

func (a *auditor) append(r audit.Record) error {
	if a.sink == nil {
		return nil
	}
	if _, err := a.sink.Append(a.stamp(r)); err != nil {
		return steps.Errorf(steps.ClassInternal, "audit log: %v", err)
	}
	return nil
}

// stamp adds the run's fields to a record and redacts its strings.
func (a *auditor) stamp(r audit.Record) audit.Record {
	r.RunID = a.run.RunID
	r.Mode = audit.Mode(a.run.Mode)
	r.Operator = a.operator
	r.Command = a.redact.String(r.Command)
	r.Preview = a.redact.String(r.Preview)
	r.Error = a.redact.String(r.Error)
	r.OutputExcerpt = a.redact.String(r.OutputExcerpt)
	r.Reason = a.redact.String(r.Reason)
	for k, v := range r.Detail {
		r.Detail[k] = a.redact.String(v)
	}
	return r
}

// batches reports whether the sink stores a batch of records with one
// fsync (BatchAuditSink).
func (a *auditor) batches() bool {
	_, ok := a.sink.(BatchAuditSink)
	return ok
}

// appendBatch stores rs in one group (the sink must be a
// BatchAuditSink); errs[i] is nil when rs[i] is durable.
func (a *auditor) appendBatch(rs []audit.Record) []error {
	if len(rs) == 0 {
		return nil
	}
	for i := range rs {
		rs[i] = a.stamp(rs[i])
	}
	_, errs := a.sink.(BatchAuditSink).AppendBatch(rs)
	for i, err := range errs {
		if err != nil {
			errs[i] = steps.Errorf(steps.ClassInternal, "audit log: %v", err)
		}
	}
	return errs
}

func (a *auditor) runStart(detail func(*audit.Record)) error {
	r := audit.Record{Event: audit.EventRunStart, Runbook: a.run.Runbook, RunbookSHA256: a.run.RunbookSHA256,
		PlanSHA256: a.run.PlanSHA256}
	detail(&r)
	return a.append(r)
}

func (a *auditor) runEnd() error {
	outcome := audit.OutcomeOK
	if a.run.Failed() {
		outcome = audit.OutcomeFailed
	}
	return a.append(audit.Record{Event: audit.EventRunEnd, Runbook: a.run.Runbook,
		RunbookSHA256: a.run.RunbookSHA256, Outcome: outcome, Error: a.run.Err})
}

// hostFields fills who/where from a connected host.
func hostFields(r *audit.Record, h steps.Host, name string) {
	r.Host = name
	if h == nil {
		return
	}
	info := h.Info()
	r.HostAddress, r.HostKey, r.ClientKey = info.Address, info.HostKeyFingerprint, info.ClientKeyFingerprint
}

// stepStart is the intent record, written (and fsynced by the sink) before
// a step runs on a host. For a repair, preview says what it will do.
func (a *auditor) stepStart(addr string, h steps.Host, name string, p *steps.Preview) error {
	return a.append(intentRecord(addr, h, name, p))
}

func intentRecord(addr string, h steps.Host, name string, p *steps.Preview) audit.Record {
	r := audit.Record{Event: audit.EventStepStart, Step: addr}
	hostFields(&r, h, name)
	if p != nil {
		r.Command = p.Command
		r.Preview = previewText(p)
	}
	return r
}

// stepFinish records a step's outcome on a host.
// Its output excerpt is the host's, redacted when the result was made.
func (a *auditor) stepFinish(addr string, h steps.Host, name string, hr *HostRun, exit *int) error {
	return a.append(finishRecord(addr, h, name, hr, exit))
}

func finishRecord(addr string, h steps.Host, name string, hr *HostRun, exit *int) audit.Record {
	r := audit.Record{Event: audit.EventStepFinish, Step: addr, Outcome: outcomeOf(hr.Status),
		Error: hr.Error, ErrorClass: string(hr.ErrorClass), DurationMS: hr.DurationMS, ExitCode: exit,
		OutputSHA256: hr.OutputSHA256, OutputExcerpt: hr.OutputExcerpt}
	hostFields(&r, h, name)
	if hr.Summary != "" {
		r.Detail = map[string]string{"summary": hr.Summary}
	}
	return r
}

// approval records a gate decision, with the reason the gate showed.
func (a *auditor) approval(addr string, d Decision, hosts []string, gateReason string) error {
	ev := audit.EventApprovalGranted
	outcome := audit.OutcomeOK
	reason := d.By
	if !d.Granted {
		ev, outcome = audit.EventApprovalRefused, audit.OutcomeRefused
		reason = d.Reason
		if d.By != "" {
			reason += " (" + d.By + ")"
		}
	}
	detail := map[string]string{"hosts": strings.Join(hosts, ","), "by": d.By, "gate_reason": a.redact.String(gateReason)}
	if len(d.Signers) > 0 {
		detail["signers"] = strings.Join(d.Signers, ", ")
	}
	return a.append(audit.Record{Event: ev, Step: addr, Outcome: outcome, Reason: reason, PlanSHA256: a.run.PlanSHA256,
		Detail: a.withBatch(detail)})
}

// hostKeyAccepted records that an unknown host key was accepted because the
// operator asked for accept-new.
func (a *auditor) hostKeyAccepted(name string, h steps.Host) error {
	r := audit.Record{Event: audit.EventHostKeyAccepted, Reason: "unknown host key accepted (--accept-new-host-key)"}
	hostFields(&r, h, name)
	return a.append(r)
}

func outcomeOf(s Status) audit.Outcome {
	switch s {
	case StatusOk:
		return audit.OutcomeOK
	case StatusChanged:
		return audit.OutcomeChanged
	case StatusNoOp:
		return audit.OutcomeNoOp
	case StatusSkipped, StatusDeferred, StatusUnknown, StatusChange:
		return audit.OutcomeSkipped
	case StatusRefused:
		return audit.OutcomeRefused
	case StatusOutcomeUnknown:
		return audit.OutcomeUnknown
	}
	return audit.OutcomeFailed
}

// previewText is a preview in one block of text for the audit record.
func previewText(p *steps.Preview) string {
	var b strings.Builder
	b.WriteString(p.Summary)
	for _, c := range p.Changes {
		fmt.Fprintf(&b, "\n%s", c)
	}
	if p.Diff != "" {
		_, ex := audit.Excerpt([]byte(p.Diff))
		b.WriteString("\n" + ex)
	}
	return b.String()
}

// stageBatch records how one batch of a stage went (or that it did not
// run), so the log says which batches of a stopped roll are done.
func (a *auditor) stageBatch(stage string, b *BatchRun, of int) error {
	outcome := audit.OutcomeOK
	switch b.Status {
	case BatchFailed:
		outcome = audit.OutcomeFailed
	case BatchNotRun:
		outcome = audit.OutcomeSkipped
	}
	reason := fmt.Sprintf("batch %d of %d (%s): %s", b.Number, of, strings.Join(b.Hosts, ", "), b.Status)
	if b.Reason != "" {
		reason += ": " + b.Reason
	}
	return a.append(audit.Record{Event: audit.EventStageBatch, Step: stage, Outcome: outcome, Reason: reason,
		Detail: map[string]string{"batch": fmt.Sprint(b.Number), "batches": fmt.Sprint(of), "hosts": strings.Join(b.Hosts, ",")}})
}

// withBatch adds the stage batch running now, if any, to a record's detail.
func (a *auditor) withBatch(detail map[string]string) map[string]string {
	if a.batch != "" {
		detail["stage_batch"] = a.batch
	}
	return detail
}
