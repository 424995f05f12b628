package command

import (
	"context"
	"fmt"
	"strings"

	"github.com/mend-sh/mend/internal/shell"
	"github.com/mend-sh/mend/steps"
)

// skipReason evaluates the repair's guards on host, read-only: `creates`
// with `test -e`, then `unless` by running it. It returns why the repair
// would not run ("" when it would). A guard that cannot be evaluated is an
// error: neither plan nor apply guesses.
func skipReason(ctx context.Context, host steps.Host, c *RepairConfig) (string, error) {
	if host == nil {
		return "", errNoHost
	}
	if c.Creates != "" {
		r, err := host.Exec(ctx, steps.ExecRequest{Command: "test -e " + shell.Quote(c.Creates)})
		if err != nil {
			return "", fmt.Errorf("checking creates %s: %w", c.Creates, err)
		}
		switch r.ExitCode {
		case 0:
			return c.Creates + " exists", nil
		case 1:
		default:
			return "", steps.Errorf(steps.ClassStep, "checking creates %s: test -e exited %d: %s", c.Creates, r.ExitCode, lastLine(string(r.Stderr)))
		}
	}
	if c.Unless != "" {
		r, err := host.Exec(ctx, steps.ExecRequest{Command: c.Unless})
		if err != nil {
			return "", fmt.Errorf("running the unless command: %w", err)
		}
		if r.ExitCode == 0 {
			return fmt.Sprintf("unless %q exited 0", brief(c.Unless)), nil
		}
	}
	return "", nil
}

// errNoHost is returned for a step run without a host: command steps need `on`.
var errNoHost = steps.Errorf(steps.ClassConfig, "command: the step needs a host (set `on`)")

// hasGuards reports whether apply might skip the command.
func hasGuards(c *RepairConfig) bool { return c.Creates != "" || c.Unless != "" }

// brief is the first line of a command, at most 60 bytes, for summaries.
func brief(command string) string {
	line, _, more := strings.Cut(strings.TrimSpace(command), "\n")
	if len(line) > 60 {
		line, more = strings.ToValidUTF8(line[:60], ""), true
	}
	if more {
		line += " …"
	}
	return line
}
