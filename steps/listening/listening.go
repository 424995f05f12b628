package listening

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Config is the arguments of a `diagnose "listening"` block.
type Config struct {
	// Port limits the answer to sockets on this port; 0 lists all.
	Port int `hcl:"port,optional"`
}

// Type is the `diagnose "listening"` step type.
type Type struct{}

var (
	_ steps.Diagnoser = Type{}
	_ steps.Validator = Type{}
)

// Name returns "listening".
func (Type) Name() string { return "listening" }

// NewConfig returns a new *Config.
func (Type) NewConfig() any { return &Config{} }

var socketType = cty.Object(map[string]cty.Type{
	"proto": cty.String, "address": cty.String, "port": cty.Number, "pid": cty.Number, "process": cty.String,
})

// Output is an object:
//
//	listening  bool    some socket listens (on port, when given)
//	count      number  how many sockets (a socket shared by several processes counts once per process)
//	sockets    list of { proto ("tcp", "tcp6"), address, port, pid (0: not visible), process }, by port
//	pids       the distinct pids holding them
//	processes  the distinct process names holding them
func (Type) Output() cty.Type {
	return cty.Object(map[string]cty.Type{"listening": cty.Bool, "count": cty.Number, "sockets": cty.List(socketType),
		"pids": cty.List(cty.Number), "processes": cty.List(cty.String)})
}

// ValidateConfig checks the port range.
func (Type) ValidateConfig(config any) error {
	c, err := steps.ConfigAs[*Config](config)
	if err != nil {
		return err
	}
	if c.Port < 0 || c.Port > 65535 {
		return steps.Errorf(steps.ClassConfig, "listening: port must be from 1 to 65535 (0 or unset: every port), got %d", c.Port)
	}
	return nil
}

// Diagnose reads the host's listening sockets.
func (t Type) Diagnose(ctx context.Context, req steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	c, err := steps.ConfigAs[*Config](req.Config)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	if err := t.ValidateConfig(c); err != nil {
		return steps.DiagnoseResponse{}, err
	}
	all, err := read(ctx, req.Host)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	var socks []socket
	for _, s := range all {
		if c.Port == 0 || s.Port == int64(c.Port) {
			socks = append(socks, s)
		}
	}
	slices.SortStableFunc(socks, func(a, b socket) int {
		return cmp.Or(cmp.Compare(a.Port, b.Port), cmp.Compare(a.Proto, b.Proto), cmp.Compare(a.Address, b.Address), cmp.Compare(a.PID, b.PID))
	})
	return response(c.Port, socks), nil
}

func response(port int, socks []socket) steps.DiagnoseResponse {
	var vals, pids, names []cty.Value
	var details []string
	seenPID, seenName := map[int64]bool{}, map[string]bool{}
	for _, s := range socks {
		vals = append(vals, cty.ObjectVal(map[string]cty.Value{"proto": cty.StringVal(s.Proto), "address": cty.StringVal(s.Address),
			"port": cty.NumberIntVal(s.Port), "pid": cty.NumberIntVal(s.PID), "process": cty.StringVal(s.Process)}))
		if s.PID != 0 && !seenPID[s.PID] {
			seenPID[s.PID] = true
			pids = append(pids, cty.NumberIntVal(s.PID))
		}
		if s.Process != "" && !seenName[s.Process] {
			seenName[s.Process] = true
			names = append(names, cty.StringVal(s.Process))
		}
		if len(details) < 20 {
			details = append(details, fmt.Sprintf("%s %s port %d: %s", s.Proto, s.Address, s.Port, holder(s)))
		}
	}
	if len(socks) > 20 {
		details = append(details, fmt.Sprintf("… %d more", len(socks)-20))
	}
	out := map[string]cty.Value{"listening": cty.BoolVal(len(socks) > 0), "count": cty.NumberIntVal(int64(len(socks))),
		"sockets": list(socketType, vals), "pids": list(cty.Number, pids), "processes": list(cty.String, names)}
	return steps.DiagnoseResponse{Output: cty.ObjectVal(out), Summary: summary(port, socks), Details: details}
}

func summary(port int, socks []socket) string {
	switch {
	case port != 0 && len(socks) == 0:
		return fmt.Sprintf("nothing listens on port %d", port)
	case port != 0:
		return fmt.Sprintf("port %d: %s", port, holder(socks[0]))
	}
	return fmt.Sprintf("%d listening sockets", len(socks))
}

func holder(s socket) string {
	if s.PID == 0 {
		return "holder not visible (run as root or with sudo)"
	}
	return fmt.Sprintf("%s pid %d", s.Process, s.PID)
}

func list(ty cty.Type, vals []cty.Value) cty.Value {
	if len(vals) == 0 {
		return cty.ListValEmpty(ty)
	}
	return cty.ListVal(vals)
}
