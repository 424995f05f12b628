package hostscript

import "github.com/mend-sh/mend/steps"

// Checker is a typed diagnose step's config: Check validates it and
// returns the settings the step runs with (defaults applied, durations
// parsed, patterns compiled).
type Checker[S any] interface {
	Check() (S, error)
}

// Check is how the typed diagnose steps (disk, process, log_search,
// key_match, git_status, clock) start both ValidateConfig and Diagnose:
// config must be the type's config pointer C (steps.ConfigAs: anything
// else is an internal error), and C's Check gives its settings. Both
// methods going through it is what makes validate refuse exactly what a
// run would.
func Check[S any, C Checker[S]](config any) (S, error) {
	c, err := steps.ConfigAs[C](config)
	if err != nil {
		var zero S
		return zero, err
	}
	return c.Check()
}
