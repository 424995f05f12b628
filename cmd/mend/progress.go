package main

import (
	"fmt"
	"io"
	"sync"

	"github.com/mend-sh/mend/cmd/mend/views"
	"github.com/mend-sh/mend/engine"
)

// progress prints one line per finished host to stderr while an apply
// runs, so the operator sees it move; the full report follows on stdout.
type progress struct {
	engine.NopHook
	mu sync.Mutex
	w  io.Writer
}

func (a *app) progressHook(mode engine.Mode, o runOptions) engine.Hook {
	if mode != engine.ModeApply || o.format != "text" {
		return engine.NopHook{}
	}
	return &progress{w: a.stderr}
}

func (p *progress) HostDone(s *engine.StepRun, h *engine.HostRun) {
	p.mu.Lock()
	defer p.mu.Unlock()
	host := h.Host
	if host == "" {
		host = "(no host)"
	}
	fmt.Fprintf(p.w, "%s on %s: %s\n", views.Clean(s.Address), views.Clean(host), h.Status)
}
