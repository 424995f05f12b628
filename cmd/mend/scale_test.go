package main

import (
	"bytes"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/sshtest"
)

// TestManyHosts: mend plan of one diagnose over 300 inventory hosts,
// aliases of 3 real sshds (MEND_SCALE_HOSTS=1000 for the size;
// scripts/bench.sh measures that one), in this process:
//   - with --max-connections 5 (parallelism 20) every host runs and there
//     are never more than 5 SSH connections (sockets) at once;
//   - without a cap (parallelism 50) a host's connection is closed as
//     soon as its only step is done there: never more than 50 at once;
//   - afterwards no descriptor or goroutine is left over.
func TestManyHosts(t *testing.T) {
	n := 300
	if v, err := strconv.Atoi(os.Getenv("MEND_SCALE_HOSTS")); err == nil && v > 0 {
		n = v
	}
	servers := []*sshtest.Server{sshtest.Start(t), sshtest.Start(t), sshtest.Start(t)}
	dir := t.TempDir()
	inv := filepath.Join(dir, "inventory.mend.hcl")
	rb := filepath.Join(dir, "rb.mend.hcl")
	writeAliases(t, inv, servers, n)
	os.WriteFile(rb, []byte("diagnose \"command\" \"up\" {\n  on      = \"all\"\n  command = \"echo up\"\n}\n"), 0o644)
	// The signal package's watcher goroutine starts with the first
	// Notify and stays for good: start it before counting.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	signal.Stop(sig)
	fds, goroutines := sshtest.OpenFDs(t), runtime.NumGoroutine()

	for _, c := range []struct {
		flags []string
		max   int
	}{
		{[]string{"--max-connections", "5", "--parallelism", "20"}, 5},
		{[]string{"--parallelism", "50"}, 50},
	} {
		stop := sshtest.SampleSockets(t)
		args := append([]string{"plan", "-i", inv, "--audit-log", filepath.Join(dir, "audit.jsonl"), "--ssh-config", "none",
			"--agent=false", "--connect-timeout", "60s", "--format", "json"}, c.flags...)
		var stdout, stderr bytes.Buffer
		code := Main(append(args, rb), strings.NewReader(""), &stdout, &stderr)
		peak := stop()
		if code != 0 {
			t.Fatalf("mend %s: exit %d\n%s", strings.Join(c.flags, " "), code, tail(stderr.String()+stdout.String()))
		}
		if ok := strings.Count(stdout.String(), `"status": "ok"`); ok != n+1 { // every host, and the step
			t.Errorf("mend %s: %d ok statuses, want %d hosts and the step", strings.Join(c.flags, " "), ok, n)
		}
		if peak > c.max {
			t.Errorf("mend %s: %d SSH connections (sockets) at once, want at most %d", strings.Join(c.flags, " "), peak, c.max)
		}
	}
	settled := sshtestEventually(10*time.Second, func() bool {
		return sshtest.OpenFDs(t) <= fds && runtime.NumGoroutine() <= goroutines
	})
	if !settled {
		buf := make([]byte, 1<<16)
		t.Errorf("after two runs over %d hosts: %d descriptors (before: %d), %d goroutines (before: %d):\n%s",
			n, sshtest.OpenFDs(t), fds, runtime.NumGoroutine(), goroutines, buf[:runtime.Stack(buf, true)])
	}
}

// writeAliases writes an inventory of n hosts h0..h(n-1) in group all,
// spread over the servers.
func writeAliases(t *testing.T, path string, servers []*sshtest.Server, n int) {
	s0 := servers[0]
	var b strings.Builder
	fmt.Fprintf(&b, "defaults {\n  user          = %q\n  identity_file = %q\n  known_hosts   = %q\n}\n",
		s0.User, s0.IdentityFile, sshtest.JoinKnownHosts(t, servers...))
	for i := range n {
		s := servers[i%len(servers)]
		fmt.Fprintf(&b, "host \"h%d\" {\n  address = %q\n  port    = %d\n  groups  = [\"all\"]\n}\n", i, s.Hostname, s.Port)
	}
	for _, s := range servers[1:] { // one client key for all
		auth, err := os.ReadFile(filepath.Join(s0.Dir, "authorized_keys"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(s.Dir, "authorized_keys"), auth, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// sshtestEventually polls cond every 50 ms until it holds or d passed.
func sshtestEventually(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}

// tail is the end of a long output, for a failure message.
func tail(s string) string {
	if len(s) > 4000 {
		return "..." + s[len(s)-4000:]
	}
	return s
}
