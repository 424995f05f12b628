package stepstest

import (
	"testing"
	"time"

	"github.com/mend-sh/mend/steps"
)

// sudoSuite: on a sudo host commands run as root unless NoSudo, which
// runs them as the login user; elsewhere NoSudo changes nothing.
func sudoSuite(t *testing.T, s Subject) {
	h := s.Host(t)
	ask := func(noSudo bool) string {
		res, err := h.Exec(testCtx(t, 30*time.Second), steps.ExecRequest{Command: `echo "$(id -u) ${SUDO_USER-}"`, NoSudo: noSudo})
		if err != nil || res.ExitCode != 0 {
			t.Fatalf("Exec(NoSudo %v): %v, exit %d, stderr %q", noSudo, err, res.ExitCode, res.Stderr)
		}
		return string(res.Stdout)
	}
	plain, noSudo := ask(false), ask(true)
	if !s.Sudo {
		if plain != noSudo {
			t.Errorf("without sudo, NoSudo changed who ran the command: %q, then %q", plain, noSudo)
		}
		return
	}
	login := h.Info().User
	if want := "0 " + login + "\n"; plain != want {
		t.Errorf("through sudo: uid and SUDO_USER %q, want %q", plain, want)
	}
	if plain == noSudo {
		t.Errorf("NoSudo ran the command through sudo too: %q", noSudo)
	}
}
