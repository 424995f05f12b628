package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Event says what a record is about.
type Event string

// The events. A repair is bracketed by EventStepStart (the intent, written
// and fsynced before the repair runs) and EventStepFinish (its outcome).
const (
	EventRunStart        Event = "run_start"
	EventRunEnd          Event = "run_end"
	EventStepStart       Event = "step_start"
	EventStepFinish      Event = "step_finish"
	EventApprovalGranted Event = "approval_granted"
	EventApprovalRefused Event = "approval_refused"
	EventHostKeyAccepted Event = "host_key_accepted"
	EventNote            Event = "note"
	// EventStageBatch records how one batch of a stage went (Step is
	// "stage.NAME"; Detail has batch, batches and hosts), including the
	// batches a stopped roll did not run.
	EventStageBatch Event = "stage_batch"
	// EventHostLock records what an apply did with the lock on a target
	// host (Detail["action"]: acquired, refused, break, broken, released,
	// not_released, error; "holder" names the other run concerned).
	EventHostLock Event = "host_lock"
)

const (
	// ExcerptMax is the most bytes Excerpt returns.
	ExcerptMax = 2048
	// maxRecordBytes bounds one line: Append refuses longer records and
	// readers reject longer lines instead of buffering without limit.
	maxRecordBytes = 1 << 20
)

// Mode is the command that wrote a record.
type Mode string

// The modes.
const (
	ModePlan  Mode = "plan"
	ModeApply Mode = "apply"
)

// Outcome is how a step, an approval or a run ended.
type Outcome string

// The outcomes. OutcomeUnknown is for a step whose intent was recorded but
// whose result never was (a crash, a lost connection mid-step).
const (
	OutcomeOK      Outcome = "ok"
	OutcomeChanged Outcome = "changed"
	OutcomeNoOp    Outcome = "no_op"
	OutcomeFailed  Outcome = "failed"
	OutcomeSkipped Outcome = "skipped"
	OutcomeRefused Outcome = "refused"
	OutcomeUnknown Outcome = "unknown"
)

// Record is one line of the audit log. The caller fills what it knows;
// Log.Append fills Seq, Prev and Time (values the caller set there are
// overwritten). Every string is written as given: the caller redacts
// secrets (from Command, Preview, Error, OutputExcerpt, Detail) before
// calling Append.
type Record struct {
	Seq  uint64    `json:"seq"`  // 1 for the first record, then +1 per record
	Prev string    `json:"prev"` // hex sha256 of the previous line, without its newline; "" for seq 1
	Time time.Time `json:"time"` // UTC, written as RFC 3339 with nanoseconds

	RunID         string `json:"run_id,omitempty"` // required, except for EventNote
	Event         Event  `json:"event"`
	Mode          Mode   `json:"mode,omitempty"`
	Operator      string `json:"operator,omitempty"` // OS user who ran mend
	Runbook       string `json:"runbook,omitempty"`  // path as given on the command line
	RunbookSHA256 string `json:"runbook_sha256,omitempty"`
	PlanSHA256    string `json:"plan_sha256,omitempty"` // the saved plan an apply executes

	Step        string `json:"step,omitempty"`         // address, e.g. repair.file.install_ca
	Host        string `json:"host,omitempty"`         // inventory name
	HostAddress string `json:"host_address,omitempty"` // host:port dialled
	HostKey     string `json:"host_key,omitempty"`     // "SHA256:..." fingerprint verified
	ClientKey   string `json:"client_key,omitempty"`   // fingerprint of the key that authenticated
	Command     string `json:"command,omitempty"`      // rendered, already redacted
	Preview     string `json:"preview,omitempty"`      // short description of the change

	Outcome       Outcome `json:"outcome,omitempty"`
	ExitCode      *int    `json:"exit_code,omitempty"` // nil: no process ran or it did not exit
	ErrorClass    string  `json:"error_class,omitempty"`
	Error         string  `json:"error,omitempty"`
	OutputSHA256  string  `json:"output_sha256,omitempty"`  // of the full output; see Excerpt
	OutputExcerpt string  `json:"output_excerpt,omitempty"` // at most 2 KiB; see Excerpt
	DurationMS    int64   `json:"duration_ms,omitempty"`

	Reason string            `json:"reason,omitempty"` // why: approval, refusal, skip, note
	Detail map[string]string `json:"detail,omitempty"` // step-specific facts (paths, sizes, revisions)
}

// validate reports the first field that makes r unfit to append. It checks
// the fields the readers of the log depend on, not the caller's judgement.
func (r *Record) validate() error {
	switch r.Event {
	case EventRunStart, EventRunEnd, EventStepStart, EventStepFinish,
		EventApprovalGranted, EventApprovalRefused, EventHostKeyAccepted, EventNote, EventStageBatch, EventHostLock:
	case "":
		return fmt.Errorf("audit record has no event")
	default:
		return fmt.Errorf("audit record has unknown event %q", r.Event)
	}
	switch r.Mode {
	case "", ModePlan, ModeApply:
	default:
		return fmt.Errorf("audit record (%s) has unknown mode %q", r.Event, r.Mode)
	}
	switch r.Outcome {
	case "", OutcomeOK, OutcomeChanged, OutcomeNoOp, OutcomeFailed,
		OutcomeSkipped, OutcomeRefused, OutcomeUnknown:
	default:
		return fmt.Errorf("audit record (%s) has unknown outcome %q", r.Event, r.Outcome)
	}
	if r.RunID == "" && r.Event != EventNote {
		return fmt.Errorf("audit record (%s) has no run_id", r.Event)
	}
	if (r.Event == EventStepStart || r.Event == EventStepFinish) && r.Step == "" {
		return fmt.Errorf("audit record (%s) has no step", r.Event)
	}
	if r.Event == EventStepFinish && r.Outcome == "" {
		return fmt.Errorf("audit record (%s %s) has no outcome", r.Event, r.Step)
	}
	return nil
}

// Excerpt returns the hex sha256 of a step's full output and an excerpt of
// at most ExcerptMax bytes to store beside it. Output that fits is returned
// whole; longer output keeps its first and last kilobyte around a marker
// "[... N bytes omitted ...]", so both how a command started and how it
// failed survive. Invalid UTF-8 is replaced by U+FFFD, so the excerpt is
// stored exactly as returned; the sha256 is of the original bytes.
func Excerpt(b []byte) (sha string, excerpt string) {
	sum := sha256.Sum256(b)
	sha = hex.EncodeToString(sum[:])
	if len(b) <= ExcerptMax && utf8.Valid(b) {
		return sha, string(b)
	}
	if len(b) <= ExcerptMax {
		return sha, fitUTF8(strings.ToValidUTF8(string(b), "\uFFFD"), ExcerptMax)
	}
	const markerMax = 48 // "\n[... " + 20 digits + " bytes omitted ...]\n" fits
	half := (ExcerptMax - markerMax) / 2
	headEnd, tailStart := half, len(b)-half
	for i := 0; i < utf8.UTFMax-1 && !utf8.RuneStart(b[headEnd]); i++ {
		headEnd-- // do not split a rune
	}
	for i := 0; i < utf8.UTFMax-1 && !utf8.RuneStart(b[tailStart]); i++ {
		tailStart++
	}
	head := fitUTF8(strings.ToValidUTF8(string(b[:headEnd]), "\uFFFD"), half)
	tail := strings.ToValidUTF8(string(b[tailStart:]), "\uFFFD")
	if len(tail) > half {
		tail = tail[len(tail)-half:]
		for len(tail) > 0 && !utf8.RuneStart(tail[0]) {
			tail = tail[1:]
		}
	}
	return sha, fmt.Sprintf("%s\n[... %d bytes omitted ...]\n%s", head, tailStart-headEnd, tail)
}

// fitUTF8 trims the valid UTF-8 string s to at most max bytes on a rune
// boundary. Invalid bytes grow to 3 bytes each when replaced, so a
// sanitized excerpt can exceed the budget of the raw bytes it came from.
func fitUTF8(s string, max int) string {
	if len(s) <= max {
		return s
	}
	n := max
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// lineSHA256 is the hex sha256 of one stored line, without its newline:
// the value the next record's Prev must hold.
func lineSHA256(line []byte) string {
	sum := sha256.Sum256(line)
	return hex.EncodeToString(sum[:])
}
