// Package truncate implements the `file_truncate` repair step type
// (Type): empty, in place, a file that a process holds open — the log
// that filled the disk — so the space comes back without restarting the
// writer (deleting it would keep the space held; see the disk step's
// deleted_open). It is dangerous: every use needs an approval block.
//
//	repair "file_truncate" "app_log" {
//	  on               = var.host
//	  path             = "/var/log/app/app.log"
//	  allowed_prefixes = ["/var/log/app"]
//	  keep_tail_bytes  = 1048576     # kept in app.log.mend-tail
//	  approval { reason = "Empties the application log in place" }
//	}
//
// Safety: the file and the file it resolves to (symlinks followed on the
// host) must both lie under one of allowed_prefixes and be a regular
// file; apply checks it is still the same file (inode) in the same
// script that truncates it. The kept tail is read into mend before the
// truncation and written back after it, so keeping a tail works on a
// disk with no byte free.
package truncate
