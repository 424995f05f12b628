// Package approval decides gates from signed approvals of a saved plan:
// which signature files belong to a plan, which of them verify (SSHSIG,
// namespace "mend-plan") against an OpenSSH allowed_signers file, and
// whether those that verify satisfy a gate's rule (`required = N`
// distinct signers, `self_approval = false`).
//
// A signature counts only for the exact plan bytes it signs: one on any
// other plan, by a key allowed_signers does not list for the namespace,
// or unreadable, counts for nothing and is reported as a warning.
package approval
