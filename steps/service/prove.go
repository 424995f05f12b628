package service

import (
	"context"
	"fmt"
	"time"

	"github.com/mend-sh/mend/steps"
)

// prover watches a service after an action, polling its supervisor.
type prover struct {
	sup      supervisor
	host     steps.Host
	poll     time.Duration
	wait     time.Duration // the time allowed to reach the state, for messages
	deadline time.Time     // when wait runs out: the action's start + wait
}

// pollInterval is a tenth of the stability window, kept between 200 ms
// and 1 s: often enough to see a crash-looping process between restarts,
// rarely enough not to load a host reached over SSH.
func pollInterval(stableFor time.Duration) time.Duration {
	return min(max(stableFor/10, 200*time.Millisecond), time.Second)
}

// await polls until reached(state) holds, until the deadline; it reads
// the state at least once. It returns the state that satisfied it, or an
// error with the last state seen.
func (p prover) await(ctx context.Context, what string, reached func(State) bool) (State, error) {
	for {
		st, err := p.sup.status(ctx, p.host)
		if err != nil {
			return State{}, err
		}
		if reached(st) {
			return st, nil
		}
		if time.Now().After(p.deadline) {
			return st, steps.Errorf(steps.ClassStep, "%s did not %s within %s (last seen: %s)", p.sup, what, p.wait, st)
		}
		if err := sleep(ctx, p.poll); err != nil {
			return st, err
		}
	}
}

// hold polls for the stability window and fails as soon as the service is
// no longer running as the instance first: a crash loop, or a process that
// exits shortly after start. It returns the last state read.
func (p prover) hold(ctx context.Context, first State, window time.Duration) (State, error) {
	start := time.Now()
	last := first
	for time.Since(start) < window {
		if err := sleep(ctx, min(p.poll, window-time.Since(start))); err != nil {
			return last, err
		}
		st, err := p.sup.status(ctx, p.host)
		if err != nil {
			return last, err
		}
		after := time.Since(start).Round(10 * time.Millisecond)
		switch {
		case !st.Active:
			return st, steps.Errorf(steps.ClassStep, "%s stopped %s into the %s stability window (pid %d, now %s): crash loop?", p.sup, after, window, first.PID, st)
		case !st.sameInstance(first):
			return st, steps.Errorf(steps.ClassStep, "%s restarted %s into the %s stability window (pid %d -> %d%s): crash loop?", p.sup, after, window, first.PID, st.PID, restartsNote(first, st))
		}
		last = st
	}
	return last, nil
}

func restartsNote(a, b State) string {
	if a.Restarts >= 0 && b.Restarts > a.Restarts {
		return fmt.Sprintf(", %d restarts", b.Restarts-a.Restarts)
	}
	return ""
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for the service: %w", ctx.Err())
	}
}
