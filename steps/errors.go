package steps

import (
	"context"
	"errors"
	"fmt"
)

// ErrorClass is a short, stable word for why a step failed; the audit log
// and JSON output carry it so failures can be counted and alerted on.
type ErrorClass string

// The error classes. A step type or transport wraps its errors in *Error to
// say which one applies; anything else is classified by Classify.
const (
	ClassNone        ErrorClass = ""
	ClassTimeout     ErrorClass = "timeout"     // the step's deadline passed
	ClassCanceled    ErrorClass = "canceled"    // the operator interrupted
	ClassUnreachable ErrorClass = "unreachable" // TCP connect or SSH handshake failed
	ClassHostKey     ErrorClass = "host_key"    // unknown or changed host key
	ClassAuth        ErrorClass = "auth"        // SSH authentication failed
	ClassExitStatus  ErrorClass = "exit_status" // a command exited with an unexpected code
	ClassExpectation ErrorClass = "expectation" // an expect block or assert was false
	ClassConfig      ErrorClass = "config"      // the step's arguments are invalid
	ClassTransport   ErrorClass = "transport"   // connection lost mid-step
	ClassStep        ErrorClass = "step"        // the step type reported a failure
	ClassInternal    ErrorClass = "internal"    // a bug
)

// Error is an error with a class. Use Errorf to make one.
type Error struct {
	Class ErrorClass
	Err   error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Errorf formats an error of the given class.
func Errorf(class ErrorClass, format string, args ...any) error {
	return &Error{Class: class, Err: fmt.Errorf(format, args...)}
}

// Classify returns the class of err: the innermost *Error's class, else
// timeout or canceled for context errors, else ClassStep. nil is ClassNone.
func Classify(err error) ErrorClass {
	if err == nil {
		return ClassNone
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Class
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return ClassTimeout
	case errors.Is(err, context.Canceled):
		return ClassCanceled
	}
	return ClassStep
}

// ArgError is a configuration error about one argument of a step. A
// step type's ValidateConfig returns it (through ArgErrorf) to say which
// argument is wrong: the engine then reports the error at that argument's
// line and column, and, when validate or a plan checks arguments before
// anything runs, only when that argument's value is known then. Attr is
// the argument's name as written in the runbook ("path").
type ArgError struct {
	Attr string
	Err  error
}

func (e *ArgError) Error() string { return e.Err.Error() }
func (e *ArgError) Unwrap() error { return e.Err }

// ArgErrorf formats a configuration error (class config) about the
// argument attr.
func ArgErrorf(attr, format string, args ...any) error {
	return &Error{Class: ClassConfig, Err: &ArgError{Attr: attr, Err: fmt.Errorf(format, args...)}}
}
