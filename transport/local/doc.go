// Package local implements steps.MutableHost for the machine mend runs on.
//
// The entry point is Host: its zero value is ready to use. mend uses it for
// an inventory host whose address is "local", and the unit tests of every
// step package use it to run real processes and write real files in a
// temporary directory.
//
// Commands run as `/bin/sh -c` in their own process group, so that when the
// caller's context is done the whole group (the shell and everything it
// started) is sent SIGTERM and, after a short grace period, SIGKILL. Files
// are replaced atomically: temporary file in the same directory, fsync,
// chmod/chown, optional backup, rename, fsync of the directory.
package local
