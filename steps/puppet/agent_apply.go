package puppet

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/mend-sh/mend/steps"
)

// Apply performs the action and reads the lock file back:
//   - disable writes puppet's lock JSON {"disabled_message": reason}
//     atomically (mode 0644) and checks it is there with that reason;
//   - enable removes the lock file and checks it is gone;
//   - run runs the command: exit 0 (no changes) and 2 (changes applied)
//     succeed, anything else fails with the first Error: lines (Facter
//     noise excluded), or with the agent's "administratively disabled"
//     line when the run was skipped.
func (Agent) Apply(ctx context.Context, req steps.ApplyRequest) (steps.ApplyResponse, error) {
	cfg, err := steps.ConfigAs[*AgentConfig](req.Config)
	if err != nil {
		return steps.ApplyResponse{}, err
	}
	s, err := cfg.parse()
	if err != nil {
		return steps.ApplyResponse{}, err
	}
	if req.Host == nil {
		return steps.ApplyResponse{}, errNoHost("puppet_agent")
	}
	switch s.action {
	case "disable":
		return s.disable(ctx, req.Host)
	case "enable":
		return s.enable(ctx, req.Host)
	}
	return s.run(ctx, req.Host)
}

func (s agentSettings) disable(ctx context.Context, h steps.MutableHost) (steps.ApplyResponse, error) {
	before, err := readLock(ctx, h, s.lockfile)
	if err != nil {
		return steps.ApplyResponse{}, err
	}
	if before.disabled && before.reason == s.reason {
		return steps.ApplyResponse{Output: agentOutput(before, -1, false), Summary: "already " + before.String()}, nil
	}
	if _, err := h.WriteFile(ctx, steps.WriteFileRequest{Path: s.lockfile, Content: lockContent(s.reason), Mode: 0o644}); err != nil {
		return steps.ApplyResponse{}, fmt.Errorf("puppet: write lockfile: %w", err)
	}
	after, err := readLock(ctx, h, s.lockfile)
	if err != nil {
		return steps.ApplyResponse{Changed: true}, err
	}
	if !after.disabled || after.reason != s.reason {
		return steps.ApplyResponse{Changed: true, Output: agentOutput(after, -1, true)},
			steps.Errorf(steps.ClassStep, "puppet: lockfile %s reads back as %s after writing it", s.lockfile, after)
	}
	return steps.ApplyResponse{Changed: true, Output: agentOutput(after, -1, true), Summary: "puppet agent " + after.String()}, nil
}

func (s agentSettings) enable(ctx context.Context, h steps.MutableHost) (steps.ApplyResponse, error) {
	before, err := readLock(ctx, h, s.lockfile)
	if err != nil {
		return steps.ApplyResponse{}, err
	}
	if !before.disabled {
		return steps.ApplyResponse{Output: agentOutput(before, -1, false), Summary: "already enabled"}, nil
	}
	cmd := removeCommand(s.lockfile)
	res, err := h.Exec(ctx, steps.ExecRequest{Command: cmd})
	if err != nil {
		return steps.ApplyResponse{}, fmt.Errorf("puppet: %s: %w", cmd, err)
	}
	after, rerr := readLock(ctx, h, s.lockfile)
	switch {
	case rerr != nil:
		return steps.ApplyResponse{Changed: true}, rerr
	case res.ExitCode != 0 || after.disabled:
		return steps.ApplyResponse{Output: agentOutput(after, -1, false)},
			steps.Errorf(steps.ClassExitStatus, "puppet: %s exited %d, agent still %s: %s", cmd, res.ExitCode, after, firstLine(res.Stderr))
	}
	return steps.ApplyResponse{Changed: true, Output: agentOutput(after, -1, true), Summary: fmt.Sprintf("puppet agent enabled (was %s)", before)}, nil
}

func (s agentSettings) run(ctx context.Context, h steps.MutableHost) (steps.ApplyResponse, error) {
	o, err := runPuppet(ctx, h, s.command)
	if err != nil {
		return steps.ApplyResponse{}, err
	}
	lock, lerr := readLock(ctx, h, s.lockfile)
	if lerr != nil {
		return steps.ApplyResponse{}, lerr
	}
	if o.exitCode != 0 && o.exitCode != 2 {
		return steps.ApplyResponse{Changed: o.exitCode == 6, Output: agentOutput(lock, o.exitCode, o.exitCode == 6), Details: o.details()}, o.failure()
	}
	changed := o.exitCode == 2 || len(appliedEvents(o.lines)) > 0
	return steps.ApplyResponse{
		Changed: changed,
		Output:  agentOutput(lock, o.exitCode, changed),
		Summary: fmt.Sprintf("puppet exited %d (%s)", o.exitCode, exitMeaning(o.exitCode)),
		Details: append(appliedEvents(o.lines), o.details()...),
	}, nil
}

// appliedEvents lists the resources a (non-noop) run changed, once each.
func appliedEvents(lines []string) []string {
	var changed []string
	for _, ev := range events(lines) {
		if line := "changed " + ev.resource; !ev.noop && !slices.Contains(changed, line) {
			changed = append(changed, line)
		}
	}
	return changed
}

// firstLine returns the first line of b, trimmed.
func firstLine(b []byte) string {
	if line, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n"); line != "" {
		return line
	}
	return "(no output)"
}
