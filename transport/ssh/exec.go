package ssh

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mend-sh/mend/internal/shell"
	"github.com/mend-sh/mend/steps"
	"golang.org/x/crypto/ssh"
)

// maxOutput caps each captured output stream (stdout, stderr) of one
// Exec at 8 MiB; beyond it the output is cut and a note appended, so a
// runaway command cannot exhaust memory (RELIABILITY test 38): with ten
// steps in parallel that is at most 160 MiB. The local transport uses the
// same cap and the same note.
const maxOutput = 8 << 20

// sudoProgram is sudo, or in tests a stand-in (see export_test.go).
var sudoProgram = "sudo"

// Exec runs req.Command with /bin/sh on the host, through sudo -n on a
// sudo target unless req.NoSudo, with LC_ALL=C. The command runs in a
// process group of its own; when ctx is done that whole group is killed
// (sshd itself signals nothing to a command without a PTY) and the error
// has class timeout or canceled. A connection lost before the command
// finished is a ClassTransport error, never a success. Stdout and stderr
// keep at most 8 MiB each; what comes after is dropped and replaced by a
// note saying how many bytes were kept and how many dropped.
func (h *Host) Exec(ctx context.Context, req steps.ExecRequest) (steps.ExecResult, error) {
	r, err := h.run(ctx, runRequest{
		op:      "exec",
		command: req.Command,
		stdin:   req.Stdin,
		sudo:    h.sudo && !req.NoSudo,
	})
	if err != nil {
		return steps.ExecResult{}, err
	}
	return steps.ExecResult{ExitCode: r.exitCode, Stdout: r.stdout, Stderr: r.stderr}, nil
}

type runRequest struct {
	op      string // for error messages: exec, read, write
	command string
	stdin   []byte
	sudo    bool
	// maxStdout caps the captured stdout; 0 means maxOutput.
	maxStdout int
	// stdoutSize, when known, is the stdout expected: the buffer gets it
	// at once instead of growing (and clearing) by doubling.
	stdoutSize int
}

type runResult struct {
	exitCode  int
	stdout    []byte
	stderr    []byte
	truncated bool // stdout exceeded its cap and was cut
}

// run runs the command on the host's runner (see runner) when it is idle,
// else starts the wrapped command in a new session, and waits for it or
// for ctx, whichever comes first.
func (h *Host) run(ctx context.Context, req runRequest) (runResult, error) {
	if ctx.Err() != nil {
		return runResult{}, ctxError(ctx, req.op+" on "+h.info.Name)
	}
	if runnerEnabled {
		if res, ok, err := h.runOnRunner(ctx, req); ok {
			return res, err
		}
	}
	s, err := h.newSession(ctx, req.op)
	if err != nil {
		return runResult{}, err
	}
	defer s.Close()
	marker := newMarker()
	stdout := &limitedBuffer{max: cmp.Or(req.maxStdout, maxOutput)}
	stdout.buf.Grow(min(req.stdoutSize, stdout.max))
	stderr := newPgidFilter(marker, &limitedBuffer{max: maxOutput})
	s.Stdout, s.Stderr = stdout, stderr
	// Stdin is written here rather than through Session.Stdin: a command
	// may exit without reading all of it, and Session.Wait would then
	// report the failed write as the command's error when it exits 0. What
	// the command did is its exit status; a write cut short by a lost
	// connection shows as one too (and a file write checks its digest).
	var stdin io.WriteCloser
	if req.stdin != nil {
		if stdin, err = s.StdinPipe(); err != nil {
			return runResult{}, h.transportError(req.op+": start command", err)
		}
	}
	if err := s.Start(wrapCommand(req.command, req.sudo, marker)); err != nil {
		return runResult{}, h.transportError(req.op+": start command", err)
	}
	if stdin != nil {
		go func() {
			_, _ = stdin.Write(req.stdin)
			stdin.Close()
		}()
	}
	waited := make(chan error, 1)
	go func() { waited <- s.Wait() }()
	select {
	case err = <-waited:
	case <-ctx.Done():
		h.abort(s, stderr, req.sudo, waited)
		return runResult{}, ctxError(ctx, fmt.Sprintf("%s on %s: command killed", req.op, h.info.Name))
	}
	stderr.flush()
	res := runResult{stdout: stdout.Bytes(), stderr: stderr.out.Bytes(), truncated: stdout.truncated > 0}
	var ee *ssh.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		res.exitCode = ee.ExitStatus()
	default:
		return runResult{}, h.transportError(req.op+": command did not finish", err)
	}
	if req.sudo && res.exitCode != 0 && !stderr.found() {
		return runResult{}, h.sudoRefused(res.stderr)
	}
	return res, nil
}

// wrapCommand builds the line the login shell runs. The command must run
// in a process group of its own, which is what abort kills. sshd starts
// each session's shell with setsid(), so the shell, exec'd into the inner
// sh, already leads a new group; sudo forks, so there setsid -w makes a
// new session (and waits for it). The inner sh reports its pid, the group
// id, on stderr behind marker, then evals the command in place: one
// process fewer per step than a nested sh -c, with the same exit status,
// 128+n for a signal included.
func wrapCommand(command string, sudo bool, marker string) string {
	inner := `echo "` + marker + `$$" >&2; __mend_c=$1; shift; LC_ALL=C; export LC_ALL; eval "unset __mend_c; $__mend_c"`
	run := "/bin/sh -c " + shell.Quote(inner) + " mend " + shell.Quote(command)
	if !sudo {
		return "LC_ALL=C; export LC_ALL; exec " + run
	}
	return "LC_ALL=C; export LC_ALL; " + execSudo(run)
}

// execSudo is the shell line that execs run through sudo -n, under
// setsid -w when the host has it: sudo forks, and setsid makes run lead
// a new session (and process group) again, waiting for it.
func execSudo(run string) string {
	return "if command -v setsid >/dev/null 2>&1; then exec " + sudoProgram + " -n setsid -w " + run +
		"; else exec " + sudoProgram + " -n " + run + "; fi"
}

// abort kills the command's process group from a second session (TERM,
// then KILL after up to 2 s), then signals and closes the session. It
// waits a bounded time for the group id when the command has only just
// started.
func (h *Host) abort(s *ssh.Session, f *pgidFilter, sudo bool, waited <-chan error) {
	var pgid int
	select {
	case pgid = <-f.pgid:
	case <-waited:
	case <-time.After(2 * time.Second):
	}
	if pgid > 1 {
		h.killGroup(pgid, sudo)
	}
	s.Signal(ssh.SIGKILL)
	s.Close()
}

// killScript TERMs process group $g, waits up to 2 s for its live
// members to go (zombies, which a slow init may leave for a while, do not
// count), then KILLs what is left. The wait is measured by the clock, not
// by turns of the loop: on a loaded host each turn (ps, awk, sleep) can
// take far longer than its 0.1 s sleep, and twenty turns outlasted the
// client's patience, which closed the session before the KILL, leaving a
// child that ignores TERM running (the host conformance suite found it).
// Should $g lead no group after all, it falls back to $g and its
// children. dash's kill takes no "--".
const killScript = `alive() {
  if command -v ps >/dev/null 2>&1; then
    ps -e -o pgid= -o stat= | awk -v g="$g" '$1 == g && $2 !~ /^Z/ { f = 1 } END { exit !f }'
  else kill -0 -"$g" 2>/dev/null; fi
}
now() { date +%s 2>/dev/null || echo 0; }
kill -TERM -"$g" 2>/dev/null || { pkill -TERM -P "$g"; kill -TERM "$g"; } 2>/dev/null; i=0; end=$(($(now) + 2))
while alive; do
  if [ $i -ge 20 ] || [ "$(now)" -ge "$end" ]; then kill -KILL -"$g" 2>/dev/null; break; fi
  sleep 0.1; i=$((i+1))
done`

// killTimeout bounds the kill session: well past killScript's 2 s (3 s
// with the clock's whole seconds), so that its KILL is sent before the
// session is given up on.
const killTimeout = 10 * time.Second

func (h *Host) killGroup(pgid int, sudo bool) {
	ctx, cancel := context.WithTimeout(context.Background(), killTimeout)
	defer cancel()
	ks, err := h.newSession(ctx, "kill")
	if err != nil {
		return
	}
	defer ks.Close()
	script := fmt.Sprintf("g=%d\n", pgid) + killScript
	script = "/bin/sh -c " + shell.Quote(script)
	if sudo {
		script = sudoProgram + " -n " + script
	}
	done := make(chan struct{})
	go func() { ks.Run(script); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// sudoRefused is the error for a sudo target whose sudo -n refused to run
// a command (it may not ask for a password), quoting what sudo said.
func (h *Host) sudoRefused(stderr []byte) error {
	return steps.Errorf(steps.ClassAuth, "sudo -n on %s refused to run the command: %s",
		h.info.Name, strings.TrimSpace(string(stderr)))
}
