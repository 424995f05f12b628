package engine

import (
	"errors"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/mend-sh/mend/steps"
)

// SourceError is an error about a place in the runbook. Runtime errors
// carry the place as data, so whoever reports them (a diagnostic, a view)
// need not read it back out of the message. Error() still starts with
// "file:line,col-col: " for plain-text output.
type SourceError struct {
	Range hcl.Range
	Err   error
}

func (e *SourceError) Error() string { return fmt.Sprintf("%s: %v", e.Range, e.Err) }
func (e *SourceError) Unwrap() error { return e.Err }

// sourceErrorf is an error of class at r.
func sourceErrorf(class steps.ErrorClass, r hcl.Range, format string, args ...any) error {
	return &steps.Error{Class: class, Err: &SourceError{Range: r, Err: fmt.Errorf(format, args...)}}
}

// Source returns the place in the runbook an error is about, if it says.
func Source(err error) (hcl.Range, bool) {
	var se *SourceError
	if errors.As(err, &se) {
		return se.Range, true
	}
	return hcl.Range{}, false
}

// withoutSource is err without its place, for a diagnostic that carries
// the range itself.
func withoutSource(err error) error {
	var se *SourceError
	if errors.As(err, &se) {
		return se.Err
	}
	return err
}
