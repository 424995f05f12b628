package ssh_test

import (
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/stepstest"
)

// TestHostConformance: a host reached through a real OpenSSH sshd keeps
// the steps.Host and MutableHost contract, as the local host and the
// engine's wrappers do; through sudo too.
func TestHostConformance(t *testing.T) {
	s := sshtest.Start(t)
	dir := func(t *testing.T) string { return t.TempDir() }
	t.Run("login user", func(t *testing.T) {
		stepstest.HostConformance(t, stepstest.Subject{
			Host: func(t *testing.T) steps.Host { return s.Host(t) },
			Dir:  dir,
		})
	})
	t.Run("sudo", func(t *testing.T) {
		requireSudo(t)
		target := s.Target()
		target.Sudo = true
		stepstest.HostConformance(t, stepstest.Subject{
			Host: func(t *testing.T) steps.Host {
				h, err := s.Pool(t).Host(testCtx(t, 10*time.Second), target)
				if err != nil {
					t.Fatal(err)
				}
				return h
			},
			Dir:  dir,
			Sudo: true,
		})
	})
}
