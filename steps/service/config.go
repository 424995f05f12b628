package service

import (
	"strings"
	"time"

	"github.com/mend-sh/mend/steps"
)

// Defaults for the optional arguments.
const (
	DefaultSupervisor = "systemd"
	DefaultSVDir      = "/etc/service"
	DefaultStableFor  = 5 * time.Second
	DefaultWait       = 30 * time.Second
)

// StatusConfig is the arguments of a service_status block.
type StatusConfig struct {
	// Name is the systemd unit or the runit service directory's name.
	Name string `hcl:"name"`
	// Supervisor is "systemd" (the default) or "runit".
	Supervisor string `hcl:"supervisor,optional"`
	// SVDir is runit's service directory (sv's SVDIR); default /etc/service.
	SVDir string `hcl:"svdir,optional"`
}

// RepairConfig is the arguments of a service block.
type RepairConfig struct {
	Name       string `hcl:"name"`
	Supervisor string `hcl:"supervisor,optional"`
	SVDir      string `hcl:"svdir,optional"`
	// Action is "restart", "start", "stop" or "reload".
	Action string `hcl:"action"`
	// StableFor is how long the service must keep running as the same
	// instance after the action, as a Go duration; default "5s".
	StableFor string `hcl:"stable_for,optional"`
	// Wait is the longest time the service may take to come up (or go
	// down, for stop) after the action; default "30s".
	Wait string `hcl:"wait,optional"`
}

// actions lists the valid values of RepairConfig.Action.
var actions = []string{"restart", "start", "stop", "reload"}

// newSupervisor validates a service name and supervisor choice and returns
// the supervisor that reads and drives the service.
func newSupervisor(name, kind, svdir string) (supervisor, error) {
	if name == "" || strings.HasPrefix(name, "-") || strings.ContainsAny(name, "/\x00\n") {
		return nil, steps.Errorf(steps.ClassConfig, "service: invalid name %q: want a unit or service name without slashes", name)
	}
	switch kind {
	case "", "systemd":
		if svdir != "" {
			return nil, steps.Errorf(steps.ClassConfig, "service %s: svdir is only for supervisor = \"runit\"", name)
		}
		return systemd{unit: name}, nil
	case "runit":
		if svdir == "" {
			svdir = DefaultSVDir
		}
		return runit{svdir: svdir, name: name}, nil
	}
	return nil, steps.Errorf(steps.ClassConfig, "service %s: unknown supervisor %q: want \"systemd\" or \"runit\"", name, kind)
}

// settings is a RepairConfig checked and parsed.
type settings struct {
	sup       supervisor
	action    string
	stableFor time.Duration
	wait      time.Duration
}

// parse checks a RepairConfig and fills in the defaults.
func (c *RepairConfig) parse() (settings, error) {
	sup, err := newSupervisor(c.Name, c.Supervisor, c.SVDir)
	if err != nil {
		return settings{}, err
	}
	s := settings{sup: sup, action: c.Action}
	if !validAction(c.Action) {
		return settings{}, steps.Errorf(steps.ClassConfig, "service %s: unknown action %q: want one of %s", c.Name, c.Action, strings.Join(actions, ", "))
	}
	if s.stableFor, err = duration(c.StableFor, DefaultStableFor, "stable_for"); err != nil {
		return settings{}, err
	}
	if s.wait, err = duration(c.Wait, DefaultWait, "wait"); err != nil {
		return settings{}, err
	}
	return s, nil
}

func validAction(a string) bool {
	for _, v := range actions {
		if a == v {
			return true
		}
	}
	return false
}

// duration parses a Go duration argument; empty means def.
func duration(s string, def time.Duration, what string) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, steps.Errorf(steps.ClassConfig, "service: %s = %q is not a duration like \"5s\"", what, s)
	}
	return d, nil
}
