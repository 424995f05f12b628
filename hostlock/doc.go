// Package hostlock is a lock held on a target host itself, so that two
// operators running mend apply from different machines (different audit
// logs) cannot apply to the same host at once.
//
// The lock is a directory made with mkdir, which is atomic and, unlike a
// file made with `set -C`, does not write through a symlink left at its
// path. It lives, for the login user (never through sudo), at
// ${XDG_STATE_HOME:-$HOME/.local/state}/mend/lock, or in the directory
// Locker.Dir names. Inside it, the file owner holds the run that took it
// (Owner, as JSON), written to a temporary file and renamed into place.
//
// Everything read back from a host is hostile: the owner file is read at
// most MaxOwnerBytes, parsed with every field bounded and made valid
// UTF-8 (views clean it before it reaches a terminal), and never run.
// Every path put in a command line is quoted with shell.Quote.
package hostlock
