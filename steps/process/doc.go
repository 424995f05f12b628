// Package process implements the `process` diagnose step type (Type):
// which processes match a name or a command-line pattern, and for each its
// pid, parent, user, state, start time and uptime, resident memory and
// open descriptors — what `pgrep`, `ps` and `ls /proc/PID/fd | wc -l`
// tell on-call, as values a runbook can test.
//
//	diagnose "process" "writer" {
//	  on      = var.host
//	  pattern = "app-writer .*--log /var/log/app"   # RE2, on the command line
//	}
//
// Matching happens in mend (Go regular expressions), not on the host: the
// host only lists processes (list.go) and then describes the matched pids
// (describe.go), both fixed scripts; the pattern never reaches a shell.
package process
