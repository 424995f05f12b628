// Package labtest starts the incident lab (examples/lab/lab.sh) for a test,
// with its own state directory and loopback address base, so tests run
// beside a developer's lab. Start is the entry point.
package labtest
