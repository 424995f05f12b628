package service

import (
	"context"
	"fmt"
	"time"

	"github.com/mend-sh/mend/steps"
)

// commandGrace is added to wait for the action command's own deadline, so
// that sv's -w timeout reports before the command is killed.
const commandGrace = 5 * time.Second

// Apply records the state before, runs the action and proves its effect
// (wait counts from the start of the action command, so the whole Apply
// takes at most wait, a grace for the command, and stable_for):
// for restart, a new instance that is running within wait and stays the
// same instance for stable_for; for start and reload, a running instance
// that stays the same for stable_for; for stop, no process within wait. A
// crash loop (the instance changes, or stops, during the window) fails
// with an error saying so. The output is the last state seen, with the
// previous instance, also when the proof fails.
func (Repair) Apply(ctx context.Context, req steps.ApplyRequest) (steps.ApplyResponse, error) {
	cfg, err := steps.ConfigAs[*RepairConfig](req.Config)
	if err != nil {
		return steps.ApplyResponse{}, err
	}
	s, err := cfg.parse()
	if err != nil {
		return steps.ApplyResponse{}, err
	}
	if req.Host == nil {
		return steps.ApplyResponse{}, errNoHost(s)
	}
	before, err := s.sup.status(ctx, req.Host)
	if err != nil {
		return steps.ApplyResponse{}, err
	}
	if decide(s.action, before) == steps.NoOp {
		return steps.ApplyResponse{Output: repairOutput(before, before), Summary: "already " + before.String()}, nil
	}
	started := time.Now()
	if err := s.run(ctx, req.Host); err != nil {
		return steps.ApplyResponse{Changed: true, Output: repairOutput(before, before)}, err
	}
	after, err := s.prove(ctx, req.Host, before, started.Add(s.wait))
	resp := steps.ApplyResponse{
		Changed: true,
		Output:  repairOutput(after, before),
		Summary: fmt.Sprintf("%s: %s", s.action, after),
		Details: []string{fmt.Sprintf("before: %s", before), fmt.Sprintf("after: %s", after)},
	}
	return resp, err
}

// run executes the action command, bounded by wait plus a grace period.
func (s settings) run(ctx context.Context, h steps.Host) error {
	cmd := s.sup.command(s.action, s.wait)
	cctx, cancel := context.WithTimeout(ctx, s.wait+commandGrace)
	defer cancel()
	res, err := h.Exec(cctx, steps.ExecRequest{Command: cmd})
	if err != nil {
		return fmt.Errorf("%s: %s: %w", s.sup, cmd, err)
	}
	if res.ExitCode != 0 {
		return steps.Errorf(steps.ClassExitStatus, "%s: %s exited %d: %s", s.sup, cmd, res.ExitCode, firstLine(res.Stdout, res.Stderr))
	}
	return nil
}

// prove watches the service after the action (see Apply) until deadline,
// the action's start plus wait, and then for the stability window.
func (s settings) prove(ctx context.Context, h steps.Host, before State, deadline time.Time) (State, error) {
	p := prover{sup: s.sup, host: h, poll: pollInterval(s.stableFor), wait: s.wait, deadline: deadline}
	var reached func(State) bool
	what := "come up"
	switch s.action {
	case "stop":
		// Down is not enough: a crash-looping service is down for a second
		// after each crash, and runit's sv stop then returns before runsv
		// has even taken the stop (it reads it after that second; a start
		// sent meanwhile is dropped by sv as already wanted, and the
		// service then stays down). Wait until nothing will restart it.
		return p.await(ctx, "stop", State.stopped)
	case "restart":
		what = "come back as a new instance"
		reached = func(st State) bool { return st.Active && !st.sameInstance(before) }
	default:
		reached = func(st State) bool { return st.Active }
	}
	first, err := p.await(ctx, what, reached)
	if err != nil {
		return first, err
	}
	return p.hold(ctx, first, s.stableFor)
}

func errNoHost(s settings) error {
	return steps.Errorf(steps.ClassConfig, "service: %s needs a host (set on)", s.sup)
}
