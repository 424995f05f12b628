package hostlock

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxOwnerBytes bounds the owner file: a larger one is not parsed.
const MaxOwnerBytes = 4096

// maxField bounds each string of an owner, in bytes.
const maxField = 256

// Owner is the run that holds a lock, as its owner file says.
type Owner struct {
	RunID         string    `json:"run_id"`
	Operator      string    `json:"operator,omitempty"`
	Machine       string    `json:"machine,omitempty"` // the host name of the machine mend ran on
	Runbook       string    `json:"runbook,omitempty"`
	RunbookSHA256 string    `json:"runbook_sha256,omitempty"`
	Since         time.Time `json:"since"`
}

// Holder is who holds a lock found on a host: its Owner, or, when the
// owner file is missing, too large or not an owner, Problem says so.
type Holder struct {
	Owner   Owner  `json:"owner"`
	Problem string `json:"problem,omitempty"`
}

// String names the holder in one line, for refusals and the audit log.
// Its fields come from a host: views clean it before printing.
func (h Holder) String() string {
	if h.Problem != "" {
		return "an unknown holder (" + h.Problem + ")"
	}
	o := h.Owner
	s := "run " + o.RunID
	var who []string
	if o.Operator != "" {
		who = append(who, "operator "+o.Operator)
	}
	if o.Machine != "" {
		who = append(who, "on "+o.Machine)
	}
	if o.Runbook != "" {
		rb := "runbook " + o.Runbook
		if len(o.RunbookSHA256) >= 12 {
			rb += " (sha256 " + o.RunbookSHA256[:12] + ")"
		}
		who = append(who, rb)
	}
	if !o.Since.IsZero() {
		who = append(who, "since "+o.Since.UTC().Format(time.RFC3339))
	}
	if len(who) > 0 {
		s += " (" + strings.Join(who, ", ") + ")"
	}
	return s
}

// Parse reads an owner file. It refuses one over MaxOwnerBytes, one that
// is not a JSON object, and one without a run id; each string is cut to
// maxField bytes and invalid UTF-8 replaced, so a hostile file cannot
// make a refusal message or an audit record of any size.
func Parse(b []byte) (Owner, error) {
	if len(b) > MaxOwnerBytes {
		return Owner{}, fmt.Errorf("owner file larger than %d bytes", MaxOwnerBytes)
	}
	var o Owner
	if err := json.Unmarshal(b, &o); err != nil {
		return Owner{}, fmt.Errorf("owner file is not an owner: %s", bound(err.Error()))
	}
	for _, f := range []*string{&o.RunID, &o.Operator, &o.Machine, &o.Runbook, &o.RunbookSHA256} {
		*f = bound(*f)
	}
	if o.RunID == "" {
		return Owner{}, fmt.Errorf("owner file names no run")
	}
	return o, nil
}

// holderOf is the Holder an owner file's bytes describe.
func holderOf(b []byte, present bool) Holder {
	if !present {
		return Holder{Problem: "no owner file: being taken, or left by a crash while taken"}
	}
	o, err := Parse(b)
	if err != nil {
		return Holder{Problem: err.Error()}
	}
	return Holder{Owner: o}
}

// bound makes s valid UTF-8 of at most maxField bytes.
func bound(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= maxField {
		return s
	}
	cut := maxField
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// encode is the owner file's content.
func (o Owner) encode() []byte {
	b, _ := json.Marshal(o) // strings and a time: cannot fail
	return append(b, '\n')
}

// runIDMark is how a run id appears in an owner file mend wrote, for a
// fixed-string match on the host (encoding/json writes no spaces).
func runIDMark(id string) string {
	b, _ := json.Marshal(id)
	return `"run_id":` + string(b)
}
