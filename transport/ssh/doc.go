// Package ssh is mend's SSH transport: it turns an inventory target into a
// steps.MutableHost reached over one multiplexed SSH connection per host.
//
// The entry point is NewPool: the CLI (cmd/mend's connector) builds one
// Pool per run from a Config (known_hosts policy, ssh_config file, timeouts,
// agent use) and the engine, through that connector, asks it for a Host per
// Target; the Pool dials each target at most once and
// redials only after the connection died. Host keys are checked strictly
// against known_hosts unless Config.AcceptNew is set, and a changed key is
// always refused. Every remote command runs in its own process group so
// that a cancelled step kills the whole remote process tree. Commands go
// through one long-lived session per host (the runner, runner.go) rather
// than a session each; MEND_SSH_RUNNER=0 turns that off.
package ssh
