package engine

import (
	"context"
	"fmt"
	"sync"

	"github.com/mend-sh/mend/steps"
)

// evidenceMax bounds what a step's commands printed is kept for the audit
// excerpt: the first and the last evidenceMax/2 bytes (the excerpt itself
// is smaller still; see audit.Excerpt).
const evidenceMax = 64 << 10

// hiddenEvidence stands for output the engine will not keep.
const hiddenEvidence = "(output hidden: it holds a secret)"

// evidence records what the commands a step ran on a host printed, for
// step types whose output has no stdout or stderr of its own (a puppet
// run, a service restart): their failure keeps its evidence in the audit
// log and the JSON view, as a command's does. Output that holds key
// material (steps.ContainsSecret), or of a step whose arguments derive
// from a sensitive value, is replaced by hiddenEvidence.
type evidence struct {
	mu        sync.Mutex
	sensitive bool
	head      []byte
	tail      []byte // the last evidenceMax/2 bytes after head filled up
	omitted   int    // bytes between head and tail that were dropped
	any       bool
}

func (e *evidence) add(b []byte) {
	if len(b) == 0 {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.any = true
	if e.sensitive || steps.ContainsSecret(b) {
		e.sensitive = true
		return
	}
	const half = evidenceMax / 2
	if n := min(half-len(e.head), len(b)); n > 0 {
		e.head = append(e.head, b[:n]...)
		b = b[n:]
	}
	e.tail = append(e.tail, b...)
	if over := len(e.tail) - half; over > 0 {
		e.omitted += over
		e.tail = append(e.tail[:0], e.tail[over:]...)
	}
}

// bytes is what was recorded, nil if the commands printed nothing.
func (e *evidence) bytes() []byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case !e.any:
		return nil
	case e.sensitive:
		return []byte(hiddenEvidence)
	case e.omitted == 0:
		return append(append([]byte(nil), e.head...), e.tail...)
	}
	out := append([]byte(nil), e.head...)
	out = fmt.Appendf(out, "\n[... %d bytes omitted ...]\n", e.omitted)
	return append(out, e.tail...)
}

// recordingHost is a MutableHost whose Exec results also go to an evidence
// record.
type recordingHost struct {
	steps.MutableHost
	ev *evidence
}

func (h recordingHost) Exec(ctx context.Context, req steps.ExecRequest) (steps.ExecResult, error) {
	res, err := h.MutableHost.Exec(ctx, req)
	h.ev.add(res.Stdout)
	h.ev.add(res.Stderr)
	return res, err
}
