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
