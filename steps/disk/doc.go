// Package disk implements the `disk` diagnose step type (Type): how full
// a host's filesystems are in bytes and inodes, whether they are mounted
// read-only, what is biggest under a directory, and which deleted files
// processes still hold open — the first look at a "disk full" page.
//
//	diagnose "disk" "var" {
//	  on           = var.host
//	  path         = "/var/log"   # the mount holding it; omit for every mount df lists
//	  largest      = "/var/log"   # the biggest entries under it, bounded
//	  deleted_open = true         # "df says full, du disagrees"
//	}
//
// Everything runs as fixed scripts (mounts.go, largest.go, deleted.go)
// with the paths on standard input (internal/hostscript); what the host
// prints is parsed as data with limits on lines, entries and time.
// GNU coreutils and findutils are assumed (df --output, find -printf).
package disk
