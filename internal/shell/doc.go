// Package shell holds the one shell-quoting function of mend: Quote. Every
// command line mend builds from a value (a path, a unit name, a runbook
// variable, an element of a command's args) quotes it here, so there is
// one rule to review instead of one per package.
package shell
