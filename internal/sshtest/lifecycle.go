package sshtest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Stop kills sshd's listener and every process it started, including
// the per-connection sshd processes and the commands they run, so open
// connections drop as they would when a host dies. The port stays free
// for Restart.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	s.kill()
}

// Restart stops the server (dropping connections) and starts it again on
// the same port with the same host key, unless RegenerateHostKey changed it.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.kill()
	var err error
	for range 50 { // the port may linger briefly
		if err = s.start(); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("sshtest: restart sshd on %s: %v", s.Addr, err)
}

// RegenerateHostKey gives sshd a new host key and restarts it. The
// known_hosts file is left alone, so it now holds the old key: a client
// checking strictly must refuse the connection.
func (s *Server) RegenerateHostKey(t testing.TB) {
	t.Helper()
	s.HostKey = writeKey(t, s.hostKey, "mend-test-host-new").PublicKey()
	s.Restart(t)
}

// PID is the listening sshd's process id, or 0 when it is stopped.
func (s *Server) PID() int {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	select {
	case <-s.exited:
		return 0
	default:
		return s.cmd.Process.Pid
	}
}

// Connections counts the TCP connections sshd accepted so far, from its
// "Connection from" log lines.
func (s *Server) Connections() int {
	return strings.Count(s.Log(), "Connection from ")
}

// kill stops sshd and all its descendants, and waits (bounded) for the
// listener to exit.
func (s *Server) kill() {
	pid := s.PID()
	if pid == 0 {
		return
	}
	procs := append(descendants(pid), pid)
	for _, p := range procs {
		syscall.Kill(p, syscall.SIGKILL)
	}
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
	}
}

// descendants lists the processes below pid, read from /proc.
func descendants(pid int) []int {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pp := parentPID(p); pp > 0 {
			children[pp] = append(children[pp], p)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 && len(out) < 10000 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

func parentPID(pid int) int {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0
	}
	// The command name in field 2 may contain spaces; fields after ")" are fixed.
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 2 {
		return 0
	}
	pp, _ := strconv.Atoi(f[1])
	return pp
}
