package puppet

import (
	"context"
	"fmt"

	"github.com/mend-sh/mend/internal/shell"

	"github.com/zclconf/go-cty/cty"

	"github.com/mend-sh/mend/steps"
)

// Plan reads the lock file and previews the action: disabling an agent
// already disabled with the same reason, or enabling an enabled one, is a
// no-op; a run always is a change, previewed with its exact command.
func (Agent) Plan(ctx context.Context, req steps.PlanRequest) (steps.PlanResponse, error) {
	cfg, err := steps.ConfigAs[*AgentConfig](req.Config)
	if err != nil {
		return steps.PlanResponse{}, err
	}
	s, err := cfg.parse()
	if err != nil {
		return steps.PlanResponse{}, err
	}
	if req.Host == nil {
		return steps.PlanResponse{}, errNoHost("puppet_agent")
	}
	lock, err := readLock(ctx, req.Host, s.lockfile)
	if err != nil {
		return steps.PlanResponse{}, err
	}
	switch {
	case s.action == "disable" && lock.disabled && lock.reason == s.reason,
		s.action == "enable" && !lock.disabled:
		return steps.PlanResponse{
			Action:  steps.NoOp,
			Preview: steps.Preview{Summary: "puppet agent already " + lock.String()},
			Output:  agentOutput(lock, -1, false),
		}, nil
	}
	return s.plan(lock), nil
}

func (s agentSettings) plan(lock lockState) steps.PlanResponse {
	switch s.action {
	case "disable":
		after := lockState{disabled: true, reason: s.reason}
		return steps.PlanResponse{
			Action: steps.Change,
			Preview: steps.Preview{
				Summary: fmt.Sprintf("disable puppet agent: write %s", s.lockfile),
				Changes: []string{fmt.Sprintf("agent %s -> %s", lock, after), "content: " + string(lockContent(s.reason))},
			},
			Output: agentOutput(after, -1, true),
		}
	case "enable":
		return steps.PlanResponse{
			Action:  steps.Change,
			Preview: steps.Preview{Summary: "enable puppet agent: remove " + s.lockfile, Command: removeCommand(s.lockfile), Changes: []string{fmt.Sprintf("agent %s -> enabled", lock)}},
			Output:  agentOutput(lockState{}, -1, true),
		}
	}
	p := steps.Preview{Summary: "run puppet", Command: s.command}
	if lock.disabled {
		p.Changes = []string{fmt.Sprintf("warning: the agent is %s; `puppet agent` will skip the run", lock)}
	}
	out := cty.ObjectVal(map[string]cty.Value{
		"disabled": cty.BoolVal(lock.disabled), "reason": cty.StringVal(lock.reason),
		"exit_code": cty.UnknownVal(cty.Number), "changed": cty.UnknownVal(cty.Bool),
	})
	return steps.PlanResponse{Action: steps.Change, Preview: p, Output: out}
}

// removeCommand is the exact command enable runs.
func removeCommand(path string) string { return "rm -f -- " + shell.Quote(path) }
