package service_test

import (
	"context"
	"fmt"
	"io/fs"
	"net"
	"sync"

	"github.com/mend-sh/mend/steps"
)

// scriptedHost answers the status command with the next of its states
// (the last one repeats) and records every other command it is asked to
// run. After a command, it moves on to afterCommand's states.
type scriptedHost struct {
	mu           sync.Mutex
	states       []string
	afterCommand []string
	ran          []string
}

func (h *scriptedHost) Info() steps.HostInfo { return steps.HostInfo{Name: "scripted"} }

func (h *scriptedHost) Exec(_ context.Context, req steps.ExecRequest) (steps.ExecResult, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if req.Command != statusCmd {
		h.ran = append(h.ran, req.Command)
		h.states = h.afterCommand
		return steps.ExecResult{}, nil
	}
	out := h.states[0]
	if len(h.states) > 1 {
		h.states = h.states[1:]
	}
	return steps.ExecResult{Stdout: []byte(out)}, nil
}

func (h *scriptedHost) ReadFile(context.Context, string) (steps.File, error) {
	return steps.File{}, fmt.Errorf("scripted host: no files")
}

func (h *scriptedHost) DialContext(context.Context, string, string) (net.Conn, error) {
	return nil, fmt.Errorf("scripted host: no network")
}

func (h *scriptedHost) WriteFile(context.Context, steps.WriteFileRequest) (steps.WriteFileResult, error) {
	return steps.WriteFileResult{}, fs.ErrPermission
}
