package engine

import (
	"strings"

	"github.com/mend-sh/mend/steps"
)

// Mode says whether a Run is a plan or an apply.
type Mode string

// The two modes.
const (
	ModePlan  Mode = "plan"
	ModeApply Mode = "apply"
)

// Status is the outcome of a step, or of a step on one host.
type Status string

// Statuses. A plan uses Ok/Failed for diagnoses it ran, Change/NoOp/Unknown
// for repairs it previewed, Deferred for anything that can only be known
// after an earlier repair ran. An apply uses Ok/Changed/NoOp/Failed, and
// Refused/NotRun for what a gate or an earlier failure stopped.
const (
	StatusOk             Status = "ok"              // a diagnose ran and passed its expectations
	StatusFailed         Status = "failed"          // error, unexpected exit code, false expect
	StatusSkipped        Status = "skipped"         // `when` was false
	StatusChange         Status = "change"          // plan: the repair would change the host
	StatusNoOp           Status = "no-op"           // the host is already converged
	StatusUnknown        Status = "unknown"         // plan: known at apply
	StatusDeferred       Status = "deferred"        // plan: runs after a repair that would change something
	StatusChanged        Status = "changed"         // apply: the repair changed the host
	StatusRefused        Status = "refused"         // apply: the approval gate was not granted
	StatusNotRun         Status = "not-run"         // apply: an earlier step stopped the run
	StatusOutcomeUnknown Status = "outcome-unknown" // the host or connection died mid-repair
)

// Run is the result of a Plan or an Apply: every step in source order, with
// what happened on each host. Views render it; it holds no secrets (every
// string went through the run's redactor).
type Run struct {
	Mode          Mode       `json:"mode"`
	RunID         string     `json:"run_id"`
	Runbook       string     `json:"runbook"`
	RunbookSHA256 string     `json:"runbook_sha256"`
	Title         string     `json:"title,omitempty"`
	PlanSHA256    string     `json:"plan_sha256,omitempty"` // the saved plan an apply executes
	Resumes       string     `json:"resumes,omitempty"`     // the run an apply --resume continues
	Steps         []*StepRun `json:"steps"`
	// Stages are the runbook's stages with their batches, in source order;
	// their steps are in Steps with StepRun.Stage set.
	Stages []*StageRun `json:"stages,omitempty"`
	// HostLocks are the locks on the target hosts (HostLocks), by host:
	// in a plan those another run holds, in an apply those it took,
	// refused or could not release.
	HostLocks []*HostLock `json:"host_locks,omitempty"`
	// Err is set when the run stopped early: a failed step with
	// on_failure = "stop", a refused gate, an audit log that cannot be
	// written. Steps after it are StatusNotRun.
	Err string `json:"error,omitempty"`
}

// StepRun is one step of a Run.
type StepRun struct {
	// Address is the step's address; for an instance of a step with
	// for_each, the instance's: `repair.file.install["etcd-01"]`
	// (runbooks.Addr). Key is then the instance key.
	Address string      `json:"address"`
	Key     *string     `json:"key,omitempty"`
	Phase   steps.Phase `json:"phase"`
	Type    string      `json:"type"`
	Name    string      `json:"name"`
	// Line is the step block's line in the runbook, for "see line N".
	Line int `json:"line"`
	// Stage is the name of the stage the step is in ("" for none);
	// BetweenBatches is set for its between_batches checks.
	Stage          string `json:"stage,omitempty"`
	BetweenBatches bool   `json:"between_batches,omitempty"`
	Status         Status `json:"status"`
	// Reason explains a skipped, deferred, unknown, refused or not-run
	// status in one sentence.
	Reason   string     `json:"reason,omitempty"`
	Approval string     `json:"approval_reason,omitempty"` // the gate's reason, if gated
	Approved string     `json:"approved_by,omitempty"`     // who granted the gate, in apply
	Hosts    []*HostRun `json:"hosts,omitempty"`
	// FailureIgnored is set on a failed step with on_failure = "continue":
	// the run went on and the failure does not fail the run (as Ansible's
	// ignore_errors), but it is shown and audited like any failure.
	FailureIgnored bool `json:"failure_ignored,omitempty"`
}

// HostRun is one step on one host (Host is "" for a step without `on`).
type HostRun struct {
	Host string `json:"host,omitempty"`
	// Batch is, in a stage, the batch the host was in (from 1); for a
	// between_batches check, the batch after which it ran.
	Batch      int              `json:"batch,omitempty"`
	Status     Status           `json:"status"`
	Summary    string           `json:"summary,omitempty"`
	Details    []string         `json:"details,omitempty"`
	Preview    *steps.Preview   `json:"preview,omitempty"`
	Error      string           `json:"error,omitempty"`
	ErrorClass steps.ErrorClass `json:"error_class,omitempty"`
	Attempts   int              `json:"attempts,omitempty"`
	// OutputExcerpt is what the step's commands printed on the host
	// (stdout then stderr), redacted and cut to audit.ExcerptMax bytes as
	// in the audit log; OutputSHA256 is the digest of the redacted output.
	// Set for a failed step as for a successful one.
	OutputExcerpt string `json:"output_excerpt,omitempty"`
	OutputSHA256  string `json:"output_sha256,omitempty"`
	// ResultDigest is a keyed digest of what the runbook uses of a
	// diagnose's result on this host (see Request.DigestKey); a saved plan
	// compares it at apply.
	ResultDigest string `json:"result_digest,omitempty"`
	DurationMS   int64  `json:"-"` // not in plans: they must be deterministic
}

// Pending reports whether a plan has repairs that would change something
// (or might: unknown), for -detailed-exitcode.
func (r *Run) Pending() bool {
	for _, s := range r.Steps {
		if s.pending() {
			return true
		}
	}
	return false
}

// pending reports whether a repair would (or might) change a host: any of
// its hosts, even when another host's failure gives the step as a whole
// another status.
func (s *StepRun) pending() bool {
	if s.Phase != steps.Repair {
		return false
	}
	if s.Status == StatusChange || s.Status == StatusUnknown {
		return true
	}
	for _, h := range s.Hosts {
		if h.Status == StatusChange || h.Status == StatusUnknown {
			return true
		}
	}
	return false
}

// Failed reports whether any step failed or the run stopped early.
func (r *Run) Failed() bool {
	if r.Err != "" {
		return true
	}
	for _, s := range r.Steps {
		if (s.Status == StatusFailed && !s.FailureIgnored) || s.Status == StatusRefused || s.Status == StatusOutcomeUnknown {
			return true
		}
		// on_failure = "continue" tolerates failures, never a gate refused
		// or a repair whose outcome is unknown on any host.
		for _, h := range s.Hosts {
			if h.Status == StatusRefused || h.Status == StatusOutcomeUnknown {
				return true
			}
		}
	}
	return false
}

// NotDone lists the addresses of repairs that did not run because a gate
// was refused or the run stopped before them.
func (r *Run) NotDone() []string {
	var out []string
	for _, s := range r.Steps {
		if s.Phase == steps.Repair && (s.Status == StatusRefused || s.Status == StatusNotRun) {
			out = append(out, s.Address)
			continue
		}
		if s.Phase != steps.Repair || s.Stage == "" {
			continue
		}
		// A stage's repair can have run on some batches and not others.
		var hosts []string
		for _, h := range s.Hosts {
			if h.Status == StatusRefused || h.Status == StatusNotRun {
				hosts = append(hosts, h.Host)
			}
		}
		if len(hosts) > 0 {
			out = append(out, s.Address+" on "+strings.Join(hosts, ", "))
		}
	}
	return out
}
