package etcdconn

import (
	"fmt"
	"time"
)

// ParseTimeouts parses a step's dial_timeout and call_timeout arguments;
// "" means DefaultDialTimeout and DefaultCallTimeout.
func ParseTimeouts(dial, call string) (Timeouts, error) {
	d, err := ParseDuration("dial_timeout", dial, DefaultDialTimeout)
	if err != nil {
		return Timeouts{}, err
	}
	c, err := ParseDuration("call_timeout", call, DefaultCallTimeout)
	if err != nil {
		return Timeouts{}, err
	}
	return Timeouts{Dial: d, Call: c}, nil
}

// ParseDuration parses a positive duration argument named what; ""
// means def.
func ParseDuration(what, s string, def time.Duration) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%s %q: want a duration such as \"10s\" or \"1m\"", what, s)
	}
	if d <= 0 {
		return 0, fmt.Errorf("%s %q: must be positive", what, s)
	}
	return d, nil
}

// Conn is the connection arguments every etcd step type takes, parsed.
type Conn struct {
	Endpoints []Endpoint
	Files     Files
	Timeouts  Timeouts
}

// ParseConn parses a step's endpoints, ca_file, cert_file, key_file,
// dial_timeout and call_timeout; step prefixes errors ("etcd_member").
func ParseConn(step string, endpoints []string, ca, cert, key, dial, call string) (Conn, error) {
	var c Conn
	var err error
	if c.Endpoints, err = ParseEndpoints(step+": endpoints", endpoints); err != nil {
		return c, err
	}
	if ca == "" || cert == "" || key == "" {
		return c, fmt.Errorf("%s: ca_file, cert_file and key_file must all be given: mend talks to etcd over mutual TLS", step)
	}
	c.Files = Files{CA: ca, Cert: cert, Key: key}
	if c.Timeouts, err = ParseTimeouts(dial, call); err != nil {
		return c, fmt.Errorf("%s: %w", step, err)
	}
	return c, nil
}

// Args are the connection arguments every etcd step type that takes a
// list of endpoints shares. A step's config embeds them with
// `hcl:",remain"` (the engine and gohcl decode the arguments into it) and
// parses them with Parse.
type Args struct {
	Endpoints   []string `hcl:"endpoints"`
	CAFile      string   `hcl:"ca_file"`
	CertFile    string   `hcl:"cert_file"`
	KeyFile     string   `hcl:"key_file"`
	DialTimeout string   `hcl:"dial_timeout,optional"`
	CallTimeout string   `hcl:"call_timeout,optional"`
}

// Parse checks the arguments (see ParseConn); step prefixes errors.
func (a Args) Parse(step string) (Conn, error) {
	return ParseConn(step, a.Endpoints, a.CAFile, a.CertFile, a.KeyFile, a.DialTimeout, a.CallTimeout)
}
