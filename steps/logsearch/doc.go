// Package logsearch implements the `log_search` diagnose step type
// (Type): how often a pattern appears in a log, since when, how fast, and
// which distinct messages dominate — in a file with its rotated and
// gzipped siblings, or in the systemd journal.
//
//	diagnose "log_search" "enospc" {
//	  on      = var.host
//	  path    = "/var/log/app/app.log"
//	  rotated = "/var/log/app/app.log.*"       # .gz read with gzip -dc
//	  pattern = "No space left on device"     # POSIX ERE, as grep -E
//	  since   = "1h"
//	}
//
// The host runs grep -E over a bounded number of bytes (max_bytes, the
// newest first) for a bounded time (scan_timeout) and sends back the
// count, the first matching line and the last 10,000 matches cut to 512
// bytes; mend parses timestamps (ISO 8601, syslog, nginx and common log
// formats), counts matches per minute and masks numbers and hex to find
// the top messages. The pattern and paths reach the host on standard
// input (internal/hostscript), never as shell code.
package logsearch
