// Package httpcheck holds the diagnose type http_check (Type): one HTTP
// request, by default made from the target host's point of view (dialled
// through its SSH connection), reporting the status, the body and a
// verdict.
//
// An answer that is not the expected one (a 503 from /readyz, a body
// without "ok") is a result, not an error: ok is false and the runbook's
// expect, when or wait_until decides what that means. A request that gets
// no answer at all (refused, timed out, TLS failure) is a result too, with
// error and verdict saying why; verdicts use tls_probe's words
// (unreachable, timeout, unknown_authority, ...), so wait_until's
// fail_fast_on treats both step types alike. Only a check that could not
// be attempted (bad arguments, the SSH connection itself lost) returns a
// Go error.
package httpcheck
