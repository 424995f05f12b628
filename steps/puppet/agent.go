package puppet

import (
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/mend-sh/mend/steps"
)

// DefaultAgentCommand is how puppet_agent's run action runs puppet.
// --detailed-exitcodes makes 2 mean "changes applied" (--test implies it;
// it is spelled out so that an edited copy keeps it).
const DefaultAgentCommand = "puppet agent --test --color=false --detailed-exitcodes"

// AgentConfig is the arguments of a puppet_agent block.
type AgentConfig struct {
	// Action is "disable", "enable" or "run".
	Action string `hcl:"action"`
	// Reason is required for disable and lands in the lock file, where
	// `puppet agent` prints it to whoever tries to run it.
	Reason string `hcl:"reason,optional"`
	// Command is how puppet runs on this host for the run action; default
	// DefaultAgentCommand. A masterless host uses its `puppet apply`
	// wrapper, with --detailed-exitcodes.
	Command string `hcl:"command,optional"`
	// Lockfile is puppet's agent_disabled_lockfile; default DefaultLockfile.
	Lockfile string `hcl:"lockfile,optional"`
}

// agentSettings is an AgentConfig checked, with defaults filled in.
type agentSettings struct {
	action, reason, command, lockfile string
}

func (c *AgentConfig) parse() (agentSettings, error) {
	s := agentSettings{action: c.Action, reason: c.Reason, command: c.Command, lockfile: c.Lockfile}
	if s.command == "" {
		s.command = DefaultAgentCommand
	}
	if s.lockfile == "" {
		s.lockfile = DefaultLockfile
	}
	switch {
	case s.action != "disable" && s.action != "enable" && s.action != "run":
		return s, steps.Errorf(steps.ClassConfig, "puppet_agent: unknown action %q: want disable, enable or run", s.action)
	case s.action == "disable" && strings.TrimSpace(s.reason) == "":
		return s, steps.Errorf(steps.ClassConfig, "puppet_agent: disable needs a reason (who, why, until when), shown to anyone who runs puppet meanwhile")
	case s.action != "disable" && s.reason != "":
		return s, steps.Errorf(steps.ClassConfig, "puppet_agent: reason is only for action = \"disable\"")
	case !strings.HasPrefix(s.lockfile, "/"):
		return s, steps.Errorf(steps.ClassConfig, "puppet_agent: lockfile %q is not an absolute path", s.lockfile)
	}
	return s, nil
}

// Agent is the puppet_agent repair type. Its zero value is ready to use.
// Disabling is done by writing puppet's lock file with MutableHost.WriteFile
// rather than by running `puppet agent --disable`: the result is the same
// file, written atomically, without depending on which puppet binary is on
// PATH or waiting seconds for Ruby to start, and Plan can read the very
// file Apply writes. The cost is that lockfile must be the host's
// agent_disabled_lockfile; enable removes it with `rm -f`.
type Agent struct{}

var (
	_ steps.Repairer  = Agent{}
	_ steps.Validator = Agent{}
)

// Name returns "puppet_agent".
func (Agent) Name() string { return "puppet_agent" }

// NewConfig returns a zero *AgentConfig.
func (Agent) NewConfig() any { return &AgentConfig{} }

// ShellArgs: command runs as shell code (steps.ShellCoder).
func (Agent) ShellArgs() []string { return []string{"command"} }

// Dangerous returns false: disabling is reversible, and a run only
// applies the configuration puppet applies every half hour anyway.
func (Agent) Dangerous() bool { return false }

// Output is puppet_agent's result:
//
//	disabled   the lock file exists after the step
//	reason     its disabled_message ("" when enabled)
//	exit_code  puppet's exit code for run; null for disable and enable
//	changed    the step changed the host: the lock was written or removed,
//	           or the run applied changes (exit code 2, or resource events)
func (Agent) Output() cty.Type {
	return cty.Object(map[string]cty.Type{
		"disabled":  cty.Bool,
		"reason":    cty.String,
		"exit_code": cty.Number,
		"changed":   cty.Bool,
	})
}

// ValidateConfig checks the action, the reason and the lockfile path.
func (Agent) ValidateConfig(config any) error {
	cfg, err := steps.ConfigAs[*AgentConfig](config)
	if err != nil {
		return err
	}
	_, err = cfg.parse()
	return err
}

// agentOutput builds the output; exitCode < 0 means no run (null).
func agentOutput(lock lockState, exitCode int, changed bool) cty.Value {
	code := cty.NullVal(cty.Number)
	if exitCode >= 0 {
		code = cty.NumberIntVal(int64(exitCode))
	}
	return cty.ObjectVal(map[string]cty.Value{
		"disabled":  cty.BoolVal(lock.disabled),
		"reason":    cty.StringVal(lock.reason),
		"exit_code": code,
		"changed":   cty.BoolVal(changed),
	})
}
