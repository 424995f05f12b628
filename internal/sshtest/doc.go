// Package sshtest runs a real OpenSSH sshd on 127.0.0.1 for tests.
//
// The entry point is Start: it generates a host key and a client key in
// the test's temp dir, writes sshd_config, authorized_keys and a
// known_hosts file holding the host key, starts /usr/sbin/sshd on a free
// port and stops it in t.Cleanup. Server.Host then gives a
// steps.MutableHost connected through mend's own SSH transport with strict
// host-key checking, which is what step packages use in their tests.
//
// Start skips the test when sshd is not installed, unless the CI
// environment variable is set, in which case it fails.
package sshtest
