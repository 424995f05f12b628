package stepstest

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/steps"
)

// MaxOutput is the cap on each captured stream of one Exec that every
// transport keeps (8 MiB), and truncationNote what replaces the rest.
const MaxOutput = 8 << 20

func truncationNote(kept, dropped int) string {
	return fmt.Sprintf("\n[mend: output truncated: only the first %d bytes were kept, %d more bytes were dropped]\n", kept, dropped)
}

// execSuite: exit codes, signals, stdin, the shell and its environment.
func execSuite(t *testing.T, s Subject) {
	tests := []struct {
		name string
		req  steps.ExecRequest
		want steps.ExecResult
	}{
		{"stdout and exit 0", steps.ExecRequest{Command: "echo hello"}, steps.ExecResult{Stdout: []byte("hello\n")}},
		{"non-zero exit is not an error", steps.ExecRequest{Command: "echo oops >&2; exit 3"},
			steps.ExecResult{ExitCode: 3, Stderr: []byte("oops\n")}},
		{"exit 255", steps.ExecRequest{Command: "exit 255"}, steps.ExecResult{ExitCode: 255}},
		{"SIGTERM is 143", steps.ExecRequest{Command: "kill -TERM $$"}, steps.ExecResult{ExitCode: 143}},
		{"SIGKILL is 137", steps.ExecRequest{Command: "kill -KILL $$"}, steps.ExecResult{ExitCode: 137}},
		{"stdin is fed", steps.ExecRequest{Command: "tr a-z A-Z", Stdin: []byte("abc")}, steps.ExecResult{Stdout: []byte("ABC")}},
		{"empty stdin", steps.ExecRequest{Command: "wc -c", Stdin: []byte{}}, steps.ExecResult{Stdout: []byte("0\n")}},
		{"no stdin reads EOF", steps.ExecRequest{Command: "cat; echo done"}, steps.ExecResult{Stdout: []byte("done\n")}},
		{"C locale", steps.ExecRequest{Command: "echo $LC_ALL"}, steps.ExecResult{Stdout: []byte("C\n")}},
		{"POSIX sh", steps.ExecRequest{Command: `x=1; if [ "$x" = 1 ]; then printf '%s' yes; fi`}, steps.ExecResult{Stdout: []byte("yes")}},
		{"quotes survive", steps.ExecRequest{Command: `printf '%s|' "it's" 'a "b"'`}, steps.ExecResult{Stdout: []byte(`it's|a "b"|`)}},
		{"no positional parameters", steps.ExecRequest{Command: `echo "$#"`}, steps.ExecResult{Stdout: []byte("0\n")}},
		{"syntax error exits 2", steps.ExecRequest{Command: `if then`}, steps.ExecResult{ExitCode: 2}},
		{"own process group", steps.ExecRequest{Command: `[ "$(ps -o pgid= -p $$ | tr -d ' ')" = "$$" ] && echo leader`},
			steps.ExecResult{Stdout: []byte("leader\n")}},
	}
	h := s.Host(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := h.Exec(testCtx(t, 30*time.Second), tt.req)
			if err != nil {
				t.Fatalf("Exec(%q): %v", tt.req.Command, err)
			}
			if tt.want.ExitCode == 2 { // the shell's own message: wording differs, presence does not
				if len(got.Stderr) == 0 {
					t.Error("a syntax error printed nothing on stderr")
				}
				got.Stderr = nil
			}
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(bytes.Equal)); diff != "" {
				t.Errorf("Exec(%q) (-want +got):\n%s", tt.req.Command, diff)
			}
		})
	}
	t.Run("concurrent", func(t *testing.T) {
		// Implementations are safe for concurrent use: eight commands at
		// once each get their own output.
		errs := make(chan error, 8)
		for i := range 8 {
			go func() {
				res, err := h.Exec(testCtx(t, 30*time.Second), steps.ExecRequest{Command: fmt.Sprintf("sleep 0.1; echo %d; echo e%d >&2", i, i)})
				if err == nil && (string(res.Stdout) != fmt.Sprintf("%d\n", i) || string(res.Stderr) != fmt.Sprintf("e%d\n", i)) {
					err = fmt.Errorf("command %d got %q, %q", i, res.Stdout, res.Stderr)
				}
				errs <- err
			}()
		}
		for range 8 {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
	})
}

// outputSuite: stdout and stderr are kept apart and exact, whatever the
// bytes, and each is capped at MaxOutput with the note.
func outputSuite(t *testing.T, s Subject) {
	h := s.Host(t)
	t.Run("streams apart, interleaved", func(t *testing.T) {
		got := run(t, h, "for i in 1 2 3; do echo out$i; echo err$i >&2; done")
		if string(got.Stdout) != "out1\nout2\nout3\n" || string(got.Stderr) != "err1\nerr2\nerr3\n" {
			t.Errorf("stdout %q, stderr %q", got.Stdout, got.Stderr)
		}
	})
	t.Run("non-UTF-8 and NUL bytes", func(t *testing.T) {
		got := run(t, h, `printf '\377\376\000x\300\n'; printf '\200\000\351' >&2`)
		if want := "\xff\xfe\x00x\xc0\n"; string(got.Stdout) != want {
			t.Errorf("stdout %q, want %q", got.Stdout, want)
		}
		if want := "\x80\x00\xe9"; string(got.Stderr) != want {
			t.Errorf("stderr %q, want %q", got.Stderr, want)
		}
	})
	t.Run("no trailing newline kept as is", func(t *testing.T) {
		got := run(t, h, `printf 'a'; printf 'b' >&2`)
		if string(got.Stdout) != "a" || string(got.Stderr) != "b" {
			t.Errorf("stdout %q, stderr %q", got.Stdout, got.Stderr)
		}
	})
	t.Run("large output under the cap is whole", func(t *testing.T) {
		const n = 3 << 20
		got := run(t, h, fmt.Sprintf("head -c %d /dev/zero | tr '\\000' 'x'; head -c %d /dev/zero >&2", n, n/2))
		if len(got.Stdout) != n || strings.Trim(string(got.Stdout), "x") != "" || len(got.Stderr) != n/2 || strings.Trim(string(got.Stderr), "\x00") != "" {
			t.Errorf("stdout %d bytes, stderr %d bytes; want %d and %d, unchanged", len(got.Stdout), len(got.Stderr), n, n/2)
		}
	})
	t.Run("capped at 8 MiB each with a note", func(t *testing.T) {
		got := run(t, h, fmt.Sprintf("head -c %d /dev/zero; head -c %d /dev/zero >&2; exit 5", MaxOutput+100, MaxOutput+4096))
		if got.ExitCode != 5 {
			t.Errorf("exit %d, want 5: a capped command still reports its exit status", got.ExitCode)
		}
		for _, c := range []struct {
			name    string
			out     []byte
			dropped int
		}{{"stdout", got.Stdout, 100}, {"stderr", got.Stderr, 4096}} {
			note := truncationNote(MaxOutput, c.dropped)
			if len(c.out) != MaxOutput+len(note) || !strings.HasSuffix(string(c.out), note) {
				t.Errorf("%s is %d bytes ending %q; want %d bytes ending %q", c.name, len(c.out), c.out[max(len(c.out)-100, 0):], MaxOutput+len(note), note)
			}
		}
	})
}
