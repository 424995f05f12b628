package clock

import (
	"time"

	"github.com/mend-sh/mend/steps"
)

// Config is the arguments of a `diagnose "clock"` block.
type Config struct {
	// Samples is how many round trips to measure (default 3, at most 10).
	Samples int `hcl:"samples,optional"`
	// MaxOffset, when set, makes ok false when the offset may exceed it
	// (|offset| + error > max_offset) or NTP says unsynchronised.
	MaxOffset string `hcl:"max_offset,optional"`
}

const (
	defaultSamples = 3
	maxSamples     = 10
)

type settings struct {
	samples   int
	maxOffset time.Duration // 0: none
}

// Check validates the arguments and returns the settings the step
// runs with; ValidateConfig and Diagnose both call it through
// hostscript.Check.
func (c *Config) Check() (settings, error) {
	s := settings{samples: c.Samples}
	switch {
	case c.Samples == 0:
		s.samples = defaultSamples
	case c.Samples < 1 || c.Samples > maxSamples:
		return s, steps.ArgErrorf("samples", "clock: samples must be from 1 to %d, got %d", maxSamples, c.Samples)
	}
	if c.MaxOffset != "" {
		d, err := time.ParseDuration(c.MaxOffset)
		if err != nil || d <= 0 {
			return s, steps.ArgErrorf("max_offset", "clock: max_offset must be a positive duration (like \"500ms\"), got %q", c.MaxOffset)
		}
		s.maxOffset = d
	}
	return s, nil
}
