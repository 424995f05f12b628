package stepstest

import (
	"context"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/shell"
	"github.com/mend-sh/mend/steps"
)

// Subject is a host implementation under the conformance suite.
type Subject struct {
	// Host returns the host under test. It is called once per subtest.
	// When it returns a steps.MutableHost, WriteFile is tested too.
	Host func(t *testing.T) steps.Host
	// Dir returns a new empty directory on the host that the host's
	// commands may write, removed when the test ends.
	Dir func(t *testing.T) string
	// Sudo says commands run through sudo (as root) unless NoSudo, and
	// NoSudo runs them as the login user; false: NoSudo changes nothing.
	Sudo bool
	// KillCheck is how long after a deadline the suite waits before it
	// checks that a background child of the killed command is gone (zero:
	// 8 s); the child would write a file at half of it, which must be
	// later than the deadline plus the transport's kill grace.
	KillCheck time.Duration
}

// HostConformance runs the suite of the steps.Host contract (and, for a
// MutableHost, of WriteFile) against s: exit codes and signals, stdin,
// stdout and stderr kept apart and exact (non-UTF-8 and NUL bytes
// included), the 8 MiB output cap and its note, deadlines and
// cancellation (the whole process group killed, a done context running
// nothing), sudo and NoSudo, reads of missing, special and oversized
// files, modes and owners, and atomic writes (a concurrent reader sees the
// old or the new content, never a mix; no temporary file left; backups;
// symlinks followed). Each transport's tests call it in one line; a
// divergence is a bug in the transport (or the fake), not in the suite.
func HostConformance(t *testing.T, s Subject) {
	t.Run("exec", func(t *testing.T) { t.Parallel(); execSuite(t, s) })
	t.Run("exec output", func(t *testing.T) { t.Parallel(); outputSuite(t, s) })
	t.Run("exec deadlines", func(t *testing.T) { t.Parallel(); deadlineSuite(t, s) })
	t.Run("exec sudo", func(t *testing.T) { t.Parallel(); sudoSuite(t, s) })
	t.Run("read", func(t *testing.T) { t.Parallel(); readSuite(t, s) })
	t.Run("write", func(t *testing.T) { t.Parallel(); writeSuite(t, s) })
	t.Run("dial", func(t *testing.T) { t.Parallel(); dialSuite(t, s) })
}

// testCtx is a context that ends after d or with the test.
func testCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// run runs command on h and fails the test when it cannot.
func run(t *testing.T, h steps.Host, command string) steps.ExecResult {
	t.Helper()
	res, err := h.Exec(testCtx(t, 30*time.Second), steps.ExecRequest{Command: command})
	if err != nil {
		t.Fatalf("Exec(%q): %v", command, err)
	}
	return res
}

// mustRun is run, and the command must exit 0; it returns stdout.
func mustRun(t *testing.T, h steps.Host, command string) string {
	t.Helper()
	res := run(t, h, command)
	if res.ExitCode != 0 {
		t.Fatalf("Exec(%q): exit %d, stderr %q", command, res.ExitCode, res.Stderr)
	}
	return string(res.Stdout)
}

// q quotes s for the host's shell.
func q(s string) string { return shell.Quote(s) }

// mutable is h as a MutableHost, or skips the test.
func mutable(t *testing.T, h steps.Host) steps.MutableHost {
	t.Helper()
	m, ok := h.(steps.MutableHost)
	if !ok {
		t.Skip("read-only host: WriteFile is not part of its contract")
	}
	return m
}
