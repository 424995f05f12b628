package puppet

import "github.com/mend-sh/mend/steps"

var (
	_ steps.Describer = Agent{}
	_ steps.Describer = Noop{}
)

// Describe says what the repair does to the puppet agent.
func (Agent) Describe(a steps.Args) steps.Description {
	switch act, _ := a.String("action"); act {
	case "run":
		return steps.Description{Summary: "runs puppet: " + a.Text("command", DefaultAgentCommand)}
	case "disable":
		return steps.Description{Summary: "disables the puppet agent (lock file " + a.Text("lockfile", DefaultLockfile) + ") with reason: " + a.Text("reason", "?")}
	case "enable":
		return steps.Description{Summary: "enables the puppet agent (removes " + a.Text("lockfile", DefaultLockfile) + ")"}
	}
	return steps.Description{Summary: "runs puppet agent action " + a.Text("action", "?")}
}

// Describe says what the diagnosis runs and which paths it asks about.
func (Noop) Describe(a steps.Args) steps.Description {
	s := "runs puppet in noop mode (" + a.Text("command", DefaultNoopCommand) + ")"
	if a.Has("paths") {
		s += " and reports whether it would change " + a.Text("paths", "")
	}
	return steps.Description{Summary: s}
}
