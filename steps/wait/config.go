package wait

import (
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/mend-sh/mend/steps"
)

// Defaults of the optional arguments, and the deadline when the step has
// no timeout: an unbounded wait is never what a runbook means.
const (
	DefaultInterval       = 2 * time.Second
	DefaultAttemptTimeout = 10 * time.Second
	DefaultTimeout        = 60 * time.Second
)

// Check is the nested check block: a diagnose type and its arguments,
// kept as HCL until each attempt decodes them.
type Check struct {
	Type string   `hcl:"type,label"`
	Body hcl.Body `hcl:",remain"`
}

// Config is the arguments of a wait_until block.
type Config struct {
	Check Check `hcl:"check,block"`
	// Until is a bool condition over self, the check's output. Absent (or
	// null) means: the check returned no error.
	Until hcl.Expression `hcl:"until,optional"`
	// Interval is the pause between attempts; default "2s".
	Interval string `hcl:"interval,optional"`
	// StableFor is how long the condition must hold, over consecutive
	// attempts, before the wait is satisfied; default "0s" (first time).
	StableFor string `hcl:"stable_for,optional"`
	// AttemptTimeout bounds one attempt; default "10s", and never beyond
	// the step's deadline.
	AttemptTimeout string `hcl:"attempt_timeout,optional"`
	// FailFastOn lists outcomes that end the wait at once: an error class
	// of the check's error ("auth", "host_key", "config") or a verdict
	// in its output ("unknown_authority", "expired", "name_mismatch").
	FailFastOn []string `hcl:"fail_fast_on,optional"`
}

// settings is a Config checked, with defaults filled in.
type settings struct {
	inner          steps.Diagnoser
	interval       time.Duration
	stableFor      time.Duration
	attemptTimeout time.Duration
}

// parse checks c against the available diagnose types.
func (t *Type) parse(c *Config) (settings, error) {
	s := settings{}
	if c.Check.Type == t.Name() {
		return s, steps.Errorf(steps.ClassConfig, "wait_until: a check cannot be another wait_until")
	}
	if s.inner = t.lookup(c.Check.Type); s.inner == nil {
		return s, steps.Errorf(steps.ClassConfig, "wait_until: unknown diagnose type %q in check block", c.Check.Type)
	}
	var err error
	if s.interval, err = duration(c.Interval, DefaultInterval, "interval"); err != nil {
		return s, err
	}
	if s.stableFor, err = duration(c.StableFor, 0, "stable_for"); err != nil {
		return s, err
	}
	if s.attemptTimeout, err = duration(c.AttemptTimeout, DefaultAttemptTimeout, "attempt_timeout"); err != nil {
		return s, err
	}
	if s.interval <= 0 || s.attemptTimeout <= 0 {
		return s, steps.Errorf(steps.ClassConfig, "wait_until: interval and attempt_timeout must be more than zero")
	}
	for _, f := range c.FailFastOn {
		if strings.TrimSpace(f) == "" {
			return s, steps.Errorf(steps.ClassConfig, "wait_until: fail_fast_on holds an empty string")
		}
	}
	return s, nil
}

func duration(s string, def time.Duration, what string) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, steps.Errorf(steps.ClassConfig, "wait_until: %s = %q is not a duration like \"2s\"", what, s)
	}
	return d, nil
}

// hasUntil reports whether the block set an until condition: gohcl fills
// an absent expression field with a static null.
func hasUntil(expr hcl.Expression) bool {
	if expr == nil {
		return false
	}
	if len(expr.Variables()) > 0 {
		return true
	}
	v, diags := expr.Value(nil)
	return diags.HasErrors() || !v.RawEquals(cty.NullVal(cty.DynamicPseudoType))
}
