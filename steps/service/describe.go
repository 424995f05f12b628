package service

import "github.com/mend-sh/mend/steps"

var (
	_ steps.Describer = Repair{}
	_ steps.Describer = Status{}
)

// verbs are the actions as a reviewer reads them.
var verbs = map[string]string{"restart": "restarts", "start": "starts", "stop": "stops", "reload": "reloads"}

// Describe says what the repair does to which service and what it then
// proves: "restarts service etcd (systemd), then checks it stays up 5s".
func (Repair) Describe(a steps.Args) steps.Description {
	verb := "runs action " + a.Text("action", "?") + " on"
	if act, ok := a.String("action"); ok && verbs[act] != "" {
		verb = verbs[act]
	}
	s := verb + " service " + a.Text("name", "?") + " (" + supervisorText(a) + ")"
	if act, _ := a.String("action"); act == "stop" {
		return steps.Description{Summary: s + ", then checks it is down within " + a.Text("wait", DefaultWait.String())}
	}
	proof := "is running"
	if act, _ := a.String("action"); act == "restart" {
		proof = "came back as a new instance"
	}
	return steps.Description{Summary: s + ", then checks it " + proof + " and stays up " + a.Text("stable_for", DefaultStableFor.String())}
}

// Describe says which service the diagnosis looks at.
func (Status) Describe(a steps.Args) steps.Description {
	return steps.Description{Summary: "reads the state of service " + a.Text("name", "?") + " (" + supervisorText(a) + ")"}
}

func supervisorText(a steps.Args) string {
	s := a.Text("supervisor", DefaultSupervisor)
	if v, ok := a.String("svdir"); ok && v != "" {
		s += ", " + v
	} else if a.Has("svdir") && !ok {
		s += ", svdir " + a.Text("svdir", "")
	}
	return s
}
