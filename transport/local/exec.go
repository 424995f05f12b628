package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mend-sh/mend/steps"
)

// Shell is the interpreter of ExecRequest.Command.
const Shell = "/bin/sh"

// Exec runs req.Command with `/bin/sh -c` in a new process group, with
// mend's environment plus LC_ALL=C, and waits for it. Each output stream
// keeps at most MaxOutput bytes. A non-zero exit status is not an error; a
// command killed by a signal reports 128+signal, as a shell would. When ctx is done first, the
// whole process group gets SIGTERM, then SIGKILL after the kill grace, and
// Exec returns an error wrapping ctx.Err() (classified timeout or canceled)
// once the group leader has been reaped.
func (h Host) Exec(ctx context.Context, req steps.ExecRequest) (steps.ExecResult, error) {
	if err := ctx.Err(); err != nil {
		return steps.ExecResult{}, fmt.Errorf("local: command not started: %w", err)
	}
	stdout, stderr := limitedBuffer{max: MaxOutput}, limitedBuffer{max: MaxOutput}
	cmd := exec.Command(Shell, "-c", req.Command)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if req.Stdin != nil {
		cmd.Stdin = bytes.NewReader(req.Stdin)
	}
	// A background child that keeps stdout open must not hold Wait
	// forever once the shell itself has exited.
	cmd.WaitDelay = h.killGrace()
	if err := cmd.Start(); err != nil {
		return steps.ExecResult{}, steps.Errorf(steps.ClassTransport, "local: start %s: %w", Shell, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return result(cmd, &stdout, &stderr, err)
	case <-ctx.Done():
		h.killGroup(cmd.Process.Pid, done)
		return steps.ExecResult{}, fmt.Errorf("local: command killed: %w", ctx.Err())
	}
}

// killGroup sends SIGTERM to the process group pgid and gives the group the
// kill grace to exit; whatever is left then gets SIGKILL. It returns once
// Wait has reaped the group leader.
func (h Host) killGroup(pgid int, done <-chan error) {
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	deadline := time.NewTimer(h.killGrace())
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	reaped := false
	for !reaped || groupAlive(pgid) {
		select {
		case <-done:
			reaped, done = true, nil
		case <-tick.C:
		case <-deadline.C:
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			if !reaped {
				<-done
			}
			return
		}
	}
}

// groupAlive reports whether any process is left in process group pgid
// that can still do something: a zombie (exited, waiting for a parent
// that may never reap it, such as a container's PID 1 that is no init)
// does not count, or every kill would wait out the whole grace.
func groupAlive(pgid int) bool {
	if syscall.Kill(-pgid, 0) != nil {
		return false
	}
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return true // no /proc: trust kill(2)
	}
	for _, e := range ents {
		if pid, err := strconv.Atoi(e.Name()); err == nil && liveInGroup(pid, pgid) {
			return true
		}
	}
	return false
}

// liveInGroup reports whether process pid is in process group pgid and
// not a zombie, from /proc/PID/stat ("pid (comm) state ppid pgrp ...";
// comm may hold spaces and parentheses, so fields count from the last ')').
func liveInGroup(pid, pgid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false // gone meanwhile
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 3 || f[0] == "Z" || f[0] == "X" {
		return false
	}
	g, err := strconv.Atoi(f[2])
	return err == nil && g == pgid
}

// result turns what Wait returned into an ExecResult.
func result(cmd *exec.Cmd, stdout, stderr *limitedBuffer, err error) (steps.ExecResult, error) {
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) && !errors.Is(err, exec.ErrWaitDelay) {
		return steps.ExecResult{}, steps.Errorf(steps.ClassTransport, "local: wait for %s: %w", Shell, err)
	}
	return steps.ExecResult{
		ExitCode: exitCode(cmd),
		Stdout:   stdout.Bytes(),
		Stderr:   stderr.Bytes(),
	}, nil
}

// exitCode is the shell's exit status, or 128+signal when a signal killed it.
func exitCode(cmd *exec.Cmd) int {
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return cmd.ProcessState.ExitCode()
}
