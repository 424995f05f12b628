// Package listening implements the `listening` diagnose step type (Type):
// which TCP sockets listen on a host (or on one port), and which process
// holds each — `ss -ltnp` as values a runbook can test.
//
//	diagnose "listening" "api" {
//	  on   = var.host
//	  port = 6443
//	}
//
// It reads /proc/net/tcp and /proc/net/tcp6 (state 0A, LISTEN) and maps
// socket inodes to processes through /proc/PID/fd, so it needs no ss and
// everything it parses is numbers; only the process name is text. As an
// unprivileged user other users' processes are not visible: their
// sockets are listed with pid 0.
package listening
