// Package hostscript runs fixed shell scripts on a host with their
// arguments on standard input, and turns what the host printed into
// bounded, valid text. It is what the typed diagnose steps (disk, process,
// listening, log_search, file_truncate) share.
//
// Run is the entry point. The script is a constant of the calling step
// type; the arguments (paths, patterns) never become shell code: they are
// written one per line to the script's standard input, where the script
// reads them with `IFS= read -r NAME`. An argument holding a newline or a
// NUL byte is refused, so the script always reads exactly what was given.
// Nothing the host prints is ever run as shell either: steps parse it as
// data, line by line, with limits (Lines, Text).
package hostscript
