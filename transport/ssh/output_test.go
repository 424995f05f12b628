package ssh_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
)

// TestExecCapsOutput: a command printing 100 bytes more than 8 MiB on
// stdout and on stderr gets 8 MiB of each back, with a note saying how
// much was kept and dropped.
func TestExecCapsOutput(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	const cap8 = 8 << 20
	res, err := h.Exec(testCtx(t, 20*time.Second), steps.ExecRequest{
		Command: fmt.Sprintf("head -c %d /dev/zero; head -c %d /dev/zero >&2", cap8+100, cap8+100)})
	if err != nil {
		t.Fatal(err)
	}
	note := "\n[mend: output truncated: only the first 8388608 bytes were kept, 100 more bytes were dropped]\n"
	for name, out := range map[string][]byte{"stdout": res.Stdout, "stderr": res.Stderr} {
		if len(out) != cap8+len(note) || !strings.HasSuffix(string(out), note) {
			t.Errorf("%s is %d bytes ending %q, want %d bytes ending %q", name, len(out), out[max(len(out)-60, 0):], cap8+len(note), note)
		}
	}
}
