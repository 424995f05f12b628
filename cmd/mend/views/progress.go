package views

import (
	"fmt"
	"io"
	"sync"

	"github.com/mend-sh/mend/engine"
)

// Hook of the text view: during an apply, one line per finished host on
// v.Progress, so the operator sees it move; the full report follows on
// v.W. A plan shows nothing before its report.
func (v Text) Hook(mode engine.Mode) engine.Hook {
	if mode != engine.ModeApply || v.Progress == nil {
		return engine.NopHook{}
	}
	return &progress{w: v.Progress}
}

type progress struct {
	engine.NopHook
	mu sync.Mutex
	w  io.Writer
}

func (p *progress) HostDone(s *engine.StepRun, h *engine.HostRun) {
	p.mu.Lock()
	defer p.mu.Unlock()
	host := h.Host
	if host == "" {
		host = "(no host)"
	}
	fmt.Fprintf(p.w, "%s on %s: %s\n", Clean(s.Address), Clean(host), h.Status)
}
