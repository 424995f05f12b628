package sshtest

import (
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// SampleSockets counts, every few milliseconds until the returned stop
// is called, this process's open sockets (its descriptors that are
// sockets, in /proc/self/fd); stop returns the most seen at once, less
// those open when it started. In a test whose only sockets are its SSH
// connections (no agent, no jump host relay), that is the most SSH
// connections it had open at once.
func SampleSockets(t testing.TB) (stop func() int) {
	base := Sockets(t)
	var peak atomic.Int64
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		for {
			peak.Store(max(peak.Load(), int64(Sockets(t)-base)))
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	return func() int {
		close(done)
		<-finished
		return int(peak.Load())
	}
}

// Sockets counts this process's descriptors that are sockets. The list of
// descriptors is read at once; a descriptor closed before it is looked
// at is not counted.
func Sockets(t testing.TB) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("sshtest: no /proc/self/fd: %v", err)
	}
	n := 0
	for _, e := range ents {
		if l, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && strings.HasPrefix(l, "socket:") {
			n++
		}
	}
	return n
}

// OpenFDs is the number of this process's open descriptors; it skips t
// where /proc/self/fd cannot be read.
func OpenFDs(t testing.TB) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("sshtest: no /proc/self/fd: %v", err)
	}
	return len(ents)
}

// JoinKnownHosts writes one known_hosts file trusting every server, and
// returns its path.
func JoinKnownHosts(t testing.TB, servers ...*Server) string {
	var b strings.Builder
	for _, s := range servers {
		data, err := os.ReadFile(s.KnownHostsFile)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	path := t.TempDir() + "/known_hosts"
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
