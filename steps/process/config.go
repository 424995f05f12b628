package process

import (
	"regexp"

	"github.com/mend-sh/mend/steps"
)

// Config is the arguments of a `diagnose "process"` block. Exactly one of
// Name and Pattern is required.
type Config struct {
	// Name matches the process name exactly (the kernel's comm, at most
	// 15 bytes, as `pgrep -x` does).
	Name string `hcl:"name,optional"`
	// Pattern is an RE2 regular expression matched against the whole
	// command line (as `pgrep -f` does).
	Pattern string `hcl:"pattern,optional"`
	// Max is how many matching processes are described (default 20, at
	// most 200); count still counts them all.
	Max int `hcl:"max,optional"`
}

const (
	defaultMax = 20
	maxMax     = 200
	// maxListed bounds how many processes of the host are read.
	maxListed = 50000
)

// matcher is a validated Config.
type matcher struct {
	name string
	re   *regexp.Regexp
	max  int
}

// Check validates the arguments and returns the settings the step
// runs with; ValidateConfig and Diagnose both call it through
// hostscript.Check.
func (c *Config) Check() (matcher, error) {
	m := matcher{name: c.Name, max: c.Max}
	switch {
	case c.Name == "" && c.Pattern == "":
		return m, steps.Errorf(steps.ClassConfig, "process: set name (the exact process name) or pattern (a regular expression on the command line)")
	case c.Name != "" && c.Pattern != "":
		return m, steps.Errorf(steps.ClassConfig, "process: set name or pattern, not both")
	case len(c.Name) > 15:
		return m, steps.Errorf(steps.ClassConfig, "process: name %q is longer than the 15 bytes the kernel keeps; use pattern to match the command line", c.Name)
	}
	if c.Pattern != "" {
		re, err := regexp.Compile(c.Pattern)
		if err != nil {
			return m, steps.Errorf(steps.ClassConfig, "process: pattern is not a regular expression (RE2 syntax): %v", err)
		}
		m.re = re
	}
	switch {
	case c.Max == 0:
		m.max = defaultMax
	case c.Max < 0 || c.Max > maxMax:
		return m, steps.Errorf(steps.ClassConfig, "process: max must be from 1 to %d, got %d", maxMax, c.Max)
	}
	return m, nil
}

// matches reports whether a listed process matches.
func (m matcher) matches(p listed) bool {
	if m.re != nil {
		return m.re.MatchString(p.command)
	}
	return p.name == m.name
}

// what is the match for summaries: `name "nginx"` or `pattern "…"`.
func (m matcher) what() string {
	if m.re != nil {
		return "pattern " + quoteShort(m.re.String())
	}
	return "name " + quoteShort(m.name)
}
