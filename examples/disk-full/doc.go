// Package diskfull holds the "disk full" runbook (disk-full.mend.hcl) and
// its end-to-end test, which runs it with the mend binary through a real
// sshd against a real, full tmpfs: a log held open by its writer, rotated
// and gzipped siblings, and a deleted file still held open.
// TestDiskFullEndToEnd is the entry point. There is no Go code to import.
package diskfull
