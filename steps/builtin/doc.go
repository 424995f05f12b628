// Package builtin is the one explicit list of mend's built-in step types.
// Adding a step type is one line here. Registry is called by the CLI (and
// by tests that need the real types); the engine never imports this
// package.
package builtin
