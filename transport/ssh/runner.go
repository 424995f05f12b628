package ssh

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mend-sh/mend/internal/shell"
	"github.com/mend-sh/mend/steps"
	"golang.org/x/crypto/ssh"
)

// runnerEnabled is false when MEND_SSH_RUNNER=0: every command then opens
// a session of its own, as before the runner existed (for debugging, and
// for before/after measurements). It is read once.
var runnerEnabled = os.Getenv("MEND_SSH_RUNNER") != "0"

// A runner is one long-lived session on a host running /bin/sh -s, which
// reads the commands mend sends it on its stdin and runs them one at a
// time, each in a /bin/sh of its own (runnerChunk): a command costs a
// fork and two execs on the host instead of a new SSH session.
//
// The protocol is lockstep, because a shell reading its script from a
// pipe may read ahead: mend writes one chunk (a single compound command,
// see runnerChunk), and nothing more until the runner has shown it is
// executing it (the S- lines); then, for a command with stdin, exactly the
// bytes that head -c consumes; and the next chunk only after both E-
// lines. Each command leads a process group of its own (setsid), which a
// timeout kills from a second session; on a host without setsid the
// commands stay in the runner's group (the runner leads it: sshd, or
// setsid under sudo, made it so), and a timeout kills that group, runner
// included. Either way the runner is closed after a kill, and the next
// command starts a new one.
type runner struct {
	s      *ssh.Session
	stdin  io.WriteCloser
	out    <-chan []byte // the session's stdout, closed at its end
	err    <-chan []byte // its stderr
	quit   chan struct{} // closed to stop the readers
	pgid   int
	head   bool // the host has head(1): commands with stdin may use the runner
	setsid bool // and setsid(1): each command leads a process group
	last   int  // the process group of the previous command, with setsid
	dead   bool // not to be used again
}

// readStream passes what r yields to ch until r ends (then it closes ch)
// or quit is closed. One goroutine per stream for the runner's life, so
// that output (a background process's included) is always drained into
// the framers of whoever runs a command, never buffered without bound:
// it blocks until someone takes each piece.
//
// A read waits with a small buffer (an idle runner holds two of them);
// one that came back full is followed by a read of a packet's size.
func readStream(r io.Reader, ch chan<- []byte, quit <-chan struct{}) {
	defer close(ch)
	size := 4 << 10
	for {
		buf := make([]byte, size)
		n, err := r.Read(buf)
		size = 4 << 10
		if n == len(buf) {
			size = 32 << 10
		}
		if n > 0 {
			select {
			case ch <- buf[:n]:
			case <-quit:
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// runnerStart is the login shell's command for a runner: LC_ALL=C, and
// through sudo (setsid -w, as in wrapCommand) on a sudo target.
func runnerStart(sudo bool) string {
	if !sudo {
		return "LC_ALL=C; export LC_ALL; exec /bin/sh -s mend-runner"
	}
	return "LC_ALL=C; export LC_ALL; " + execSudo("/bin/sh -s mend-runner")
}

// readyChunk is the runner's first chunk, framed as a command's output
// is. The runner moves its stderr to descriptor 3 and its own stderr to
// /dev/null (each command's sh moves it back): the "Terminated" dash
// prints when a command dies by a signal then reaches no one, as in a
// session of its own, where nobody is left to print it. It sets LC_ALL
// again (sudo may have reset the environment) and reports its pid and
// which of head and setsid the host has.
func readyChunk(nonce string) string {
	return "{ exec 3>&2 2>/dev/null; LC_ALL=C; export LC_ALL; h=-; s=-; " +
		"if command -v head >/dev/null; then h=head; fi; if command -v setsid >/dev/null; then s=setsid; fi; " +
		"printf 'S-" + nonce + " %d %s %s\\n' \"$$\" \"$h\" \"$s\"; printf 'S-" + nonce + "\\n' >&3; unset h s; " +
		"printf '\\nE-" + nonce + " 0\\n'; printf '\\nE-" + nonce + "\\n' >&3; }\n"
}

// newNonce is 128 random bits in hex.
func newNonce() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// runnerChunk is the one line mend writes for a command. The command
// runs in a /bin/sh of its own, as in a session of its own (wrapCommand),
// leading a process group (and session) of its own through setsid, when
// the host has it: $$ is its own pid (kill $$ ends the command, not the
// runner), $0 is mend, and its variables, cwd, umask, traps, exit and exec
// never reach the runner or the next command. That sh prints the S- line
// on stdout with its pid, the group to kill on a timeout. One fork and
// two execs on the host, instead of a new SSH session. Stdin is /dev/null
// or, with stdinLen >= 0, exactly stdinLen bytes of the runner's stdin
// (head -c; what the command leaves unread is drained, so that none of it
// is left for the runner to execute). The exit status, 128+n for a
// signal, ends the stdout frame. The chunk sets no variable in the runner.
func runnerChunk(nonce, command string, stdinLen int, setsid bool) string {
	inner := `exec 2>&3 3>&-; printf 'S-` + nonce + ` %d\n' "$$"; __mend_c=$1; shift; eval "unset __mend_c; $__mend_c"`
	run := "/bin/sh -c " + shell.Quote(inner) + " mend " + shell.Quote(command)
	if setsid {
		run = "setsid -w " + run
	}
	if stdinLen < 0 {
		run += " </dev/null"
	} else {
		run = fmt.Sprintf("head -c %d | { %s; s=$?; cat >/dev/null; exit $s; }", stdinLen, run)
	}
	return "{ printf 'S-" + nonce + "\\n' >&3; " + run +
		"; printf '\\nE-" + nonce + " %d\\n' \"$?\"; printf '\\nE-" + nonce + "\\n' >&3; }\n"
}

// errRunnerUnusable says the runner could not take the command (it died
// while idle, or something wrote to it between commands, or it could not
// start for reasons other than the connection or sudo): the caller starts
// a new one or falls back to a session of its own.
var errRunnerUnusable = errors.New("runner unusable")

// startRunner opens the runner session and runs readyChunk. A sudo
// target refusing sudo -n is a ClassAuth error, as in run.
func (h *Host) startRunner(ctx context.Context, sudo bool) (*runner, error) {
	s, err := h.newSession(ctx, "exec")
	if err != nil {
		return nil, err
	}
	r, err := pipeRunner(s)
	if err != nil {
		s.Close()
		return nil, h.transportError("exec: start runner", err)
	}
	if err := s.Start(runnerStart(sudo)); err != nil {
		r.close()
		return nil, h.transportError("exec: start runner", err)
	}
	nonce := newNonce()
	res, err := r.exchange(ctx, h, nonce, readyChunk(nonce), runRequest{op: "exec"})
	switch {
	case err == nil:
	case errors.Is(err, errRunnerDied) && sudo && h.Alive():
		return nil, h.sudoRefused(res.errFrame.unframed())
	case errors.Is(err, errRunnerDied) && h.Alive():
		return nil, errRunnerUnusable
	default:
		return nil, err
	}
	f := strings.Fields(string(res.outFrame.head))
	if len(f) != 3 || res.exitCode != 0 {
		r.close()
		return nil, errRunnerUnusable
	}
	r.pgid, _ = strconv.Atoi(f[0])
	r.head, r.setsid = f[1] == "head", f[2] == "setsid"
	if r.pgid <= 1 {
		r.close()
		return nil, errRunnerUnusable
	}
	return r, nil
}

func pipeRunner(s *ssh.Session) (*runner, error) {
	stdin, err := s.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := s.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := s.StderrPipe()
	if err != nil {
		return nil, err
	}
	out, errc := make(chan []byte), make(chan []byte)
	r := &runner{s: s, stdin: stdin, out: out, err: errc, quit: make(chan struct{})}
	go readStream(stdout, out, r.quit)
	go readStream(stderr, errc, r.quit)
	return r, nil
}

// close ends the runner's session and its readers. The runner process
// sees the end of its stdin and exits once its command (if any) is done;
// a command to be stopped is killed first (see exec).
func (r *runner) close() {
	if !r.dead {
		r.dead = true
		close(r.quit)
		r.s.Close()
	}
}

// idle reports whether the runner can take a command: it is alive and
// nothing came from it since its last command ended.
func (r *runner) idle() bool {
	select {
	case <-r.out:
		return false
	case <-r.err:
		return false
	default:
		return !r.dead
	}
}

// errRunnerDied: the runner's output ended before the command's end
// marker.
var errRunnerDied = errors.New("runner ended")

// errRunnerNotStarted: the runner ended before it started the command
// (before the S- line on stderr, which it prints before running
// anything), so the command may be sent to a new runner. A runner exits
// so when the process group of its previous command is still alive (see
// guard).
var errRunnerNotStarted = fmt.Errorf("%w before the command started", errRunnerDied)

// ended is the error for a runner whose output ended during x.
func ended(x exchanged) error {
	if x.outFrame.started() || x.errFrame.started() {
		return errRunnerDied
	}
	return errRunnerNotStarted
}

// exec runs req on the runner (see run for the result and errors). A
// runner that must not be used again (killed, died, stray output) is
// closed here and left dead.
func (r *runner) exec(ctx context.Context, h *Host, req runRequest) (runResult, error) {
	stdinLen := -1
	if req.stdin != nil {
		stdinLen = len(req.stdin)
	}
	nonce := newNonce()
	res, err := r.exchange(ctx, h, nonce, r.guard(nonce)+runnerChunk(nonce, req.command, stdinLen, r.setsid), req)
	if errors.Is(err, errRunnerNotStarted) {
		return runResult{}, err
	}
	if errors.Is(err, errRunnerDied) {
		return runResult{}, h.transportError(req.op+": command did not finish", err)
	}
	if err == nil && res.outFrame.stray+res.errFrame.stray > 0 {
		r.close() // a stray writer shares the runner's output: a fresh one for the next command
	}
	if err == nil && r.setsid {
		r.last, _ = strconv.Atoi(strings.TrimSpace(string(res.outFrame.head)))
	}
	return res.runResult, err
}

// guard is what the runner runs before the next chunk, with setsid: when
// the process group of the previous command still has a member (a
// background child, which may yet write to the runner's output), the
// runner answers "busy" in place of the command's frames and exits, and
// the command goes to a new runner: no output of the old command's can be
// taken for the new one's. (A child that left the group and kept the
// output open is caught as stray output instead, when it writes between
// two commands.)
func (r *runner) guard(nonce string) string {
	if r.last <= 1 {
		return ""
	}
	return fmt.Sprintf("if kill -0 -%d 2>/dev/null; then printf 'S-%s busy\\n\\nE-%[2]s busy\\n'; printf 'S-%[2]s\\n\\nE-%[2]s\\n' >&3; exit 0; fi\n", r.last, nonce)
}

// exchanged is a runResult with the frames it was cut from.
type exchanged struct {
	runResult
	outFrame, errFrame *framer
}

// exchange writes one chunk (and req.stdin, in lockstep: once the runner
// is running the chunk) and reads both frames until their E- lines, or the
// runner's end, or ctx.
func (r *runner) exchange(ctx context.Context, h *Host, nonce, chunk string, req runRequest) (exchanged, error) {
	stdout := &limitedBuffer{max: cmp.Or(req.maxStdout, maxOutput)}
	stdout.buf.Grow(min(req.stdoutSize, stdout.max))
	x := exchanged{outFrame: newFramer(nonce, stdout), errFrame: newFramer(nonce, &limitedBuffer{max: maxOutput})}
	sendStdin := make(chan struct{})
	wrote := make(chan error, 1)
	go r.write(chunk, req.stdin, sendStdin, wrote)
	outc, errc, dying := r.out, r.err, ctx.Done()
	var killAt, drained <-chan time.Time
	waited := false // for the command's process group, after ctx was done
	// died: the runner's output ended (or its input did). Both streams
	// end together, but their readers deliver in either order: what is
	// left of the other is read (briefly) before the runner is given up,
	// so that what sudo or the shell said last is not lost.
	died := func() {
		if drained == nil {
			drained = time.After(time.Second)
		}
	}
	for outc != nil || errc != nil {
		select {
		case b, ok := <-outc:
			if !ok {
				outc = nil
				died()
			} else if x.outFrame.feed(b); x.outFrame.done() && drained == nil {
				outc = nil
			}
		case b, ok := <-errc:
			if !ok {
				errc = nil
				died()
				break
			}
			wasStarted := x.errFrame.started()
			if x.errFrame.feed(b); !wasStarted && x.errFrame.started() {
				close(sendStdin)
			}
			if x.errFrame.done() && drained == nil {
				errc = nil
			}
		case err := <-wrote:
			wrote = nil
			if err != nil {
				died()
			}
		case <-dying:
			dying, killAt = nil, time.After(2*time.Second)
		case <-killAt:
			waited = true
		case <-drained:
			outc, errc = nil, nil
		}
		if drained != nil {
			if outc == nil && errc == nil {
				r.close()
				return x, ended(x)
			}
			continue
		}
		if ctx.Err() != nil && (x.outFrame.started() || waited) {
			r.kill(h, req.sudo, x.outFrame.head)
			return x, ctxError(ctx, fmt.Sprintf("%s on %s: command killed", req.op, h.info.Name))
		}
	}
	if string(x.outFrame.head) == " busy" {
		r.close() // this ends the write of stdin, if any
		return x, errRunnerNotStarted
	}
	if wrote != nil {
		<-wrote // both E- lines are out, so the writes were all consumed
	}
	code, err := strconv.Atoi(strings.TrimPrefix(string(x.outFrame.tail), " "))
	if err != nil || len(x.errFrame.tail) != 0 {
		r.close()
		return x, steps.Errorf(steps.ClassInternal, "%s on %s: unexpected end of command %q", req.op, h.info.Name, x.outFrame.tail)
	}
	x.runResult = runResult{exitCode: code, stdout: stdout.Bytes(), stderr: x.errFrame.out.Bytes(), truncated: stdout.truncated > 0}
	return x, nil
}

// write sends the chunk, then, once send is closed (the runner is running
// the chunk), stdin.
func (r *runner) write(chunk string, stdin []byte, send <-chan struct{}, done chan<- error) {
	_, err := io.WriteString(r.stdin, chunk)
	if err == nil && stdin != nil {
		select {
		case <-send:
			_, err = r.stdin.Write(stdin)
		case <-r.quit:
		}
	}
	done <- err
}

// kill stops the running command: its process group (the group its
// sh reported in the S- line, else the runner's, which is the command's
// without setsid), from a second session, as abort does; then it closes
// the runner's session.
func (r *runner) kill(h *Host, sudo bool, head []byte) {
	pgid := r.pgid
	if r.setsid {
		if id, err := strconv.Atoi(strings.TrimSpace(string(head))); err == nil {
			pgid = id
		}
	}
	if pgid > 1 {
		h.killGroup(pgid, sudo)
	}
	r.s.Signal(ssh.SIGKILL)
	r.close()
}

// runners holds a Host's runners, one per sudo-ness, and who is using
// them: a command arriving while its runner is busy gets a session of
// its own.
type runners struct {
	mu   sync.Mutex
	r    [2]*runner
	busy [2]bool
	off  [2]bool // the runner could not start: sessions of their own
	// seen counts the commands the Host has been asked to run, per
	// sudo-ness: the first goes to a session of its own, as before the
	// runner; the runner starts with the second. A runner costs more than
	// a session for a single command (the runner's shell, then setsid and
	// sh for the command: two more execs), and a host with one command
	// (one diagnose on 50 hosts) measured 11% slower with it. The engine
	// says when more commands will follow (MoreCommands): then the first
	// starts the runner too.
	seen [2]int
}

// MoreCommands implements steps.Series: the next command, with or without
// sudo, starts the runner (or runs on it), as a second command would.
func (h *Host) MoreCommands() {
	rs := &h.runners
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for i := range rs.seen {
		rs.seen[i] = max(rs.seen[i], 1)
	}
}

// runOnRunner runs req on the Host's runner for req.sudo; ok is false when it did
// not (the runner is busy, or unusable), and the caller runs req in a
// session of its own.
func (h *Host) runOnRunner(ctx context.Context, req runRequest) (res runResult, ok bool, err error) {
	i := 0
	if req.sudo {
		i = 1
	}
	rs := &h.runners
	rs.mu.Lock()
	rs.seen[i]++
	if rs.seen[i] == 1 || rs.busy[i] || rs.off[i] {
		rs.mu.Unlock()
		return runResult{}, false, nil
	}
	rs.busy[i] = true
	r := rs.r[i]
	rs.mu.Unlock()
	defer func() {
		rs.mu.Lock()
		if r != nil && r.dead {
			r = nil
		}
		rs.r[i], rs.busy[i] = r, false
		rs.mu.Unlock()
	}()
	for attempt := 0; ; attempt++ {
		if r != nil && !r.idle() {
			r.close()
			r = nil
		}
		if r == nil {
			if r, err = h.startRunner(ctx, req.sudo); err != nil {
				if errors.Is(err, errRunnerUnusable) {
					rs.mu.Lock()
					rs.off[i] = true
					rs.mu.Unlock()
					return runResult{}, false, nil
				}
				return runResult{}, true, err
			}
		}
		if req.stdin != nil && !r.head {
			return runResult{}, false, nil
		}
		res, err = r.exec(ctx, h, req)
		if !errors.Is(err, errRunnerNotStarted) {
			return res, true, err
		}
		if attempt > 0 {
			return runResult{}, true, h.transportError(req.op+": command did not start", err)
		}
		r = nil // it was closed: once more, on a new runner
	}
}
