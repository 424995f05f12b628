package puppet

import (
	"context"
	"fmt"
	"strings"

	"github.com/mend-sh/mend/steps"
)

// outcome is one puppet run as seen from its exit code and output.
type outcome struct {
	command  string
	exitCode int
	lines    []string // stdout then stderr, Facter noise dropped
	noise    int      // Facter noise lines dropped
}

// runPuppet runs command on h. A non-zero exit is not an error here: the
// callers know which codes mean success.
func runPuppet(ctx context.Context, h steps.Host, command string) (outcome, error) {
	res, err := h.Exec(ctx, steps.ExecRequest{Command: command})
	if err != nil {
		return outcome{}, fmt.Errorf("puppet: %s: %w", command, err)
	}
	lines, noise := splitLines(res.Stdout, res.Stderr)
	return outcome{command: command, exitCode: res.ExitCode, lines: lines, noise: noise}, nil
}

// failure is the error for a run that did not succeed: a skipped run of a
// disabled agent says so; otherwise the exit code and the first errors.
func (o outcome) failure() error {
	if line, ok := disabledLine(o.lines); ok {
		return steps.Errorf(steps.ClassStep, "puppet: %s: the agent is disabled, so the run was skipped: %s", o.command, line)
	}
	msg := strings.Join(errorLines(o.lines, 3), "; ")
	if msg == "" && len(o.lines) > 0 {
		msg = o.lines[len(o.lines)-1]
	}
	return steps.Errorf(steps.ClassExitStatus, "puppet: %s exited %d (%s): %s", o.command, o.exitCode, exitMeaning(o.exitCode), msg)
}

// exitMeaning explains --detailed-exitcodes.
func exitMeaning(code int) string {
	switch code {
	case 0:
		return "no changes"
	case 1:
		return "the run failed or was skipped"
	case 2:
		return "changes applied"
	case 4:
		return "resources failed"
	case 6:
		return "changes applied and resources failed"
	}
	return "unknown exit code"
}

// details are the lines worth showing under the summary: how much noise
// was dropped, and the Error: lines.
func (o outcome) details() []string {
	d := errorLines(o.lines, 10)
	if o.noise > 0 {
		d = append(d, fmt.Sprintf("(%d Facter noise lines ignored)", o.noise))
	}
	return d
}
