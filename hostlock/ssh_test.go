package hostlock_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mend-sh/mend/hostlock"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
)

// Through a real sshd (its sessions get XDG_STATE_HOME in the server's
// dir, see sshtest): the default place, taken, refused, released.
func TestOverSSH(t *testing.T) {
	srv := sshtest.Start(t)
	h := srv.Host(t)
	ctx := context.Background()
	var l hostlock.Locker
	dir := filepath.Join(srv.Dir, "state", "mend", "lock")
	if r, err := l.Acquire(ctx, h, hostlock.Owner{RunID: "a"}); err != nil || !r.Acquired {
		t.Fatalf("Acquire = %+v, %v", r, err)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() || st.Mode().Perm() != 0o700 {
		t.Fatalf("lock dir %s: %v, %v; want a directory of mode 0700", dir, st, err)
	}
	if r, err := l.Acquire(ctx, h, hostlock.Owner{RunID: "b"}); err != nil || r.Acquired || r.Held.Owner.RunID != "a" {
		t.Fatalf("Acquire by b = %+v, %v; want held by a", r, err)
	}
	if other, err := l.Release(ctx, h, "a"); err != nil || other != nil {
		t.Fatalf("Release = %+v, %v", other, err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("lock dir after release: %v", err)
	}
}

// BenchmarkAcquireRelease is what a lock costs an apply per host: taking
// and releasing it on an open SSH connection (two commands).
func BenchmarkAcquireRelease(b *testing.B) {
	srv := sshtest.Start(b)
	h := srv.Host(b)
	ctx := context.Background()
	var l hostlock.Locker
	for b.Loop() {
		if r, err := l.Acquire(ctx, h, hostlock.Owner{RunID: "bench"}); err != nil || !r.Acquired {
			b.Fatalf("Acquire = %+v, %v", r, err)
		}
		if other, err := l.Release(ctx, h, "bench"); err != nil || other != nil {
			b.Fatalf("Release = %+v, %v", other, err)
		}
	}
}

func BenchmarkExecTrue(b *testing.B) {
	srv := sshtest.Start(b)
	h := srv.Host(b)
	for b.Loop() {
		if _, err := h.Exec(context.Background(), steps.ExecRequest{Command: "true", NoSudo: true}); err != nil {
			b.Fatal(err)
		}
	}
}
