// Package gitstatus implements the `git_status` diagnose step type (Type):
// the state of a checkout on a host — HEAD commit and branch, what is
// dirty, how far ahead of or behind a remote ref it is, and the last
// commit's time and author. Config-management repositories are often
// where a bad change came from.
//
//	diagnose "git_status" "puppet_code" {
//	  on         = var.master
//	  path       = "/etc/puppetlabs/code/environments/production"
//	  remote_ref = "origin/production"   # default: the branch's upstream
//	  fetch      = false                 # true: git fetch the remote first
//	}
//
// It reads without writing: git runs with GIT_OPTIONAL_LOCKS=0 (status
// does not refresh the index), core.fsmonitor off (a repository's config
// cannot make status run a program), and nothing is fetched unless asked.
// A repository git itself refuses (owned by another user: "dubious
// ownership") is reported as git's error, never overridden. Every git
// call has a time limit and the status listing a byte limit.
package gitstatus
