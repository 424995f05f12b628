package service_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// need skips the test when a system binary is missing, unless CI is set:
// CI installs everything, so there a missing binary is a failure.
func need(t *testing.T, bin string) {
	t.Helper()
	if _, err := exec.LookPath(bin); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not installed: %v", bin, err)
		}
		t.Skipf("%s not installed", bin)
	}
}

// runScripts are the run scripts of the test services.
var runScripts = map[string]string{
	"steady": "#!/bin/sh\nexec sleep 1000\n",
	"crashy": "#!/bin/sh\nsleep 0.3\nexit 1\n",
	"idle":   "#!/bin/sh\nexec sleep 1000\n", // starts down: see startRunsvdir
	// flaky crashes after 0.2 s while its directory holds a file "crash"
	"flaky": "#!/bin/sh\nif [ -e crash ]; then sleep 0.2; exit 1; fi\nexec sleep 1000\n",
}

// startRunsvdir starts a real runsvdir on a fresh service directory holding
// the named services of runScripts ("idle" gets a down file, so it starts
// stopped) and waits until runsv supervises each of them. Cleanup sends
// runsvdir SIGHUP, which stops every service and runsv, and waits for it.
func startRunsvdir(t *testing.T, names ...string) string {
	t.Helper()
	need(t, "runsvdir")
	need(t, "sv")
	dir := t.TempDir()
	for _, name := range names {
		svc := filepath.Join(dir, name)
		if err := os.MkdirAll(svc, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(svc, "run"), []byte(runScripts[name]), 0o755); err != nil {
			t.Fatal(err)
		}
		if name == "idle" {
			if err := os.WriteFile(filepath.Join(svc, "down"), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	cmd := exec.Command("runsvdir", "-P", dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stopRunsvdir(t, cmd, dir, names) })
	for _, name := range names {
		// supervise/ok exists before runsv reads it; sv works only once
		// runsv is listening, so wait for sv itself to answer.
		waitFor(t, 5*time.Second, name+" supervised", func() bool {
			return exec.Command("sv", "status", filepath.Join(dir, name)).Run() == nil
		})
	}
	return dir
}

// stopRunsvdir shuts runsvdir down cleanly and waits until every runsv
// has exited too (runsvdir does not wait for them); if that hangs, it kills
// the process group and any service process still recorded.
func stopRunsvdir(t *testing.T, cmd *exec.Cmd, dir string, names []string) {
	_ = cmd.Process.Signal(syscall.SIGHUP)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		if runsvGone(dir, names, 5*time.Second) {
			return
		}
		done <- nil
	case <-time.After(5 * time.Second):
	}
	t.Errorf("runsvdir or runsv did not exit on SIGHUP; killing")
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	for _, name := range names {
		if pid := servicePID(dir, name); pid > 0 {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	<-done
}

// runsvGone waits at most d until no runsv holds any service's
// supervise/ok FIFO open for reading (opening it for writing then fails).
func runsvGone(dir string, names []string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for _, name := range names {
		for supervised(filepath.Join(dir, name, "supervise", "ok")) {
			if time.Now().After(deadline) {
				return false
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return true
}

func supervised(fifo string) bool {
	f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// servicePID reads the pid runsv recorded for a service; 0 when down.
func servicePID(dir, name string) int {
	b, _ := os.ReadFile(filepath.Join(dir, name, "supervise", "pid"))
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

// waitFor polls cond every 50 ms for at most d.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// alive reports whether a process exists.
func alive(pid int) bool { return pid > 0 && syscall.Kill(pid, 0) == nil }
