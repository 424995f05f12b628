package hostlock

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/steps"
)

// shHost runs commands with the real sh, with $XDG_STATE_HOME in a temp dir.
type shHost struct{ env []string }

func (h shHost) Exec(ctx context.Context, req steps.ExecRequest) (steps.ExecResult, error) {
	cmd := exec.CommandContext(ctx, "sh", "-c", req.Command)
	cmd.Env = h.env
	cmd.Stdin = bytes.NewReader(req.Stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return steps.ExecResult{ExitCode: exit.ExitCode(), Stdout: out.Bytes(), Stderr: errb.Bytes()}, nil
	}
	return steps.ExecResult{Stdout: out.Bytes(), Stderr: errb.Bytes()}, err
}

func newHost(t *testing.T) (shHost, string) {
	state := filepath.Join(t.TempDir(), "state")
	return shHost{env: []string{"PATH=" + os.Getenv("PATH"), "HOME=/nonexistent", "XDG_STATE_HOME=" + state}},
		filepath.Join(state, "mend", "lock")
}

func TestAcquireRefuseRelease(t *testing.T) {
	ctx := context.Background()
	h, dir := newHost(t)
	var l Locker
	a, b := Owner{RunID: "run-a", Operator: "alice"}, Owner{RunID: "run-b", Operator: "bob"}

	if got, err := l.Read(ctx, h); err != nil || got != nil {
		t.Fatalf("Read of no lock = %v, %v", got, err)
	}
	if _, err := os.Stat(filepath.Dir(dir)); !os.IsNotExist(err) {
		t.Fatalf("Read made %s: %v", filepath.Dir(dir), err)
	}
	mustAcquire(t, l, h, a)
	mustAcquire(t, l, h, a) // its own run: held already
	r, err := l.Acquire(ctx, h, b)
	if err != nil || r.Acquired || r.Held == nil || r.Held.Owner.RunID != "run-a" || r.Held.Owner.Operator != "alice" {
		t.Fatalf("second Acquire = %+v, %v; want refused naming run-a", r, err)
	}
	if got, err := l.Read(ctx, h); err != nil || got == nil || got.Owner.RunID != "run-a" {
		t.Fatalf("Read = %+v, %v", got, err)
	}
	if other, err := l.Release(ctx, h, "run-b"); err != nil || other == nil || other.Owner.RunID != "run-a" {
		t.Fatalf("Release by another run = %+v, %v; want the lock left to run-a", other, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "owner")); err != nil {
		t.Fatalf("another run's release removed the lock: %v", err)
	}
	if other, err := l.Release(ctx, h, "run-a"); err != nil || other != nil {
		t.Fatalf("Release = %+v, %v", other, err)
	}
	if _, err := os.Lstat(dir); !os.IsNotExist(err) {
		t.Fatalf("lock dir left after release: %v", err)
	}
	mustAcquire(t, l, h, b)
}

func TestBreak(t *testing.T) {
	ctx := context.Background()
	h, _ := newHost(t)
	var l Locker
	a, b := Owner{RunID: "run-a"}, Owner{RunID: "run-b"}
	mustAcquire(t, l, h, a)
	// Breaking a holder that is no longer there (run-a was replaced by
	// another run in between) must not break that run's lock.
	if r, err := l.Break(ctx, h, b, Holder{Owner: Owner{RunID: "run-x"}}); err != nil || r.Acquired || r.Held.Owner.RunID != "run-a" {
		t.Fatalf("Break of a holder not there = %+v, %v", r, err)
	}
	if r, err := l.Break(ctx, h, b, Holder{Owner: a}); err != nil || !r.Acquired || !r.Broke {
		t.Fatalf("Break = %+v, %v", r, err)
	}
	if got, _ := l.Read(ctx, h); got == nil || got.Owner.RunID != "run-b" {
		t.Fatalf("after Break, Read = %+v", got)
	}
	// The holder released its lock before the Break ran: the lock is
	// taken, and nothing was broken.
	if other, err := l.Release(ctx, h, "run-b"); err != nil || other != nil {
		t.Fatalf("Release = %+v, %v", other, err)
	}
	for _, old := range []Holder{{Owner: b}, {Problem: "no owner file"}} {
		if r, err := l.Break(ctx, h, a, old); err != nil || !r.Acquired || r.Broke {
			t.Fatalf("Break of a lock released meanwhile (%+v) = %+v, %v; want acquired, not broken", old, r, err)
		}
		if _, err := l.Release(ctx, h, "run-a"); err != nil {
			t.Fatal(err)
		}
	}
	// An Acquire never says broken, whatever the host's environment has.
	env := h
	env.env = append(append([]string(nil), h.env...), "broke=1")
	if r, err := l.Acquire(ctx, env, a); err != nil || !r.Acquired || r.Broke {
		t.Fatalf("Acquire with broke=1 in the environment = %+v, %v", r, err)
	}
}

// A lock dir without a readable owner (a crash mid-take, junk, a FIFO,
// a symlink) is held by an unknown holder, and is broken only by Break.
func TestUnknownHolders(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, problem string
		make          func(dir string) error
	}{
		{"empty", "no owner file", func(dir string) error { return os.MkdirAll(dir, 0o700) }},
		{"junk", "not an owner", func(dir string) error { return writeOwner(dir, "\x1b[31mjunk\n") }},
		{"huge", "larger than", func(dir string) error { return writeOwner(dir, strings.Repeat("x", 1<<20)) }},
		{"fifo", "no owner file", func(dir string) error {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return err
			}
			return exec.Command("mkfifo", filepath.Join(dir, "owner")).Run()
		}},
		{"symlink", "no owner file", func(dir string) error {
			if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
				return err
			}
			return os.Symlink("/nonexistent/elsewhere", dir)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, dir := newHost(t)
			if err := tc.make(dir); err != nil {
				t.Fatal(err)
			}
			l := Locker{settle: 1}
			r, err := l.Acquire(ctx, h, Owner{RunID: "me"})
			if err != nil || r.Acquired || r.Held == nil || !strings.Contains(r.Held.Problem, tc.problem) {
				t.Fatalf("Acquire = %+v, %v; want held, %q", r, err, tc.problem)
			}
			if other, err := l.Release(ctx, h, "me"); err != nil || other == nil {
				t.Fatalf("Release of a lock not ours = %+v, %v", other, err)
			}
			if r, err := l.Break(ctx, h, Owner{RunID: "me"}, *r.Held); err != nil || !r.Acquired {
				t.Fatalf("Break = %+v, %v", r, err)
			}
		})
	}
}

func writeOwner(dir, s string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "owner"), []byte(s), 0o600)
}

func mustAcquire(t *testing.T, l Locker, h Execer, o Owner) {
	t.Helper()
	r, err := l.Acquire(context.Background(), h, o)
	if err != nil || !r.Acquired {
		t.Fatalf("Acquire(%s) = %+v, %v", o.RunID, r, err)
	}
}

// A lock dir whose owner file is not written yet is being taken: Acquire
// waits for the file instead of calling the holder unknown (the same run
// taking the lock of one host under two inventory names, in parallel).
func TestAcquireWaitsForOwnerFile(t *testing.T) {
	h, dir := newHost(t)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		time.Sleep(300 * time.Millisecond)
		done <- os.WriteFile(filepath.Join(dir, "owner"), Owner{RunID: "me"}.encode(), 0o600)
	}()
	r, err := Locker{}.Acquire(context.Background(), h, Owner{RunID: "me"})
	if werr := <-done; werr != nil {
		t.Fatal(werr)
	}
	if err != nil || !r.Acquired {
		t.Fatalf("Acquire = %+v, %v; want acquired once the owner file (this run) appeared", r, err)
	}
}

// TestLockGoneWhileWatched: a lock directory without an owner file (being
// taken, or being removed: rm -rf takes the owner file first) that then
// disappears is free, not "held by an unknown holder": Release and Read
// say free, Acquire takes it.
func TestLockGoneWhileWatched(t *testing.T) {
	ctx := context.Background()
	var l Locker
	for _, what := range []string{"release", "read", "acquire"} {
		t.Run(what, func(t *testing.T) {
			h, dir := newHost(t)
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			go func() {
				time.Sleep(300 * time.Millisecond)
				os.Remove(dir)
			}()
			switch what {
			case "release":
				if other, err := l.Release(ctx, h, "run-a"); err != nil || other != nil {
					t.Fatalf("Release = %+v, %v; want free", other, err)
				}
			case "read":
				if other, err := l.Read(ctx, h); err != nil || other != nil {
					t.Fatalf("Read = %+v, %v; want free", other, err)
				}
			case "acquire":
				mustAcquire(t, l, h, Owner{RunID: "run-a"})
			}
		})
	}
}

// TestAcquireCannotMakeDir: a lock dir that cannot be made (here: under
// /proc) is an error quoting mkdir, not a lock reported free or held.
func TestAcquireCannotMakeDir(t *testing.T) {
	h, _ := newHost(t)
	l := Locker{Dir: "/proc/mend-lock-test"}
	r, err := l.Acquire(context.Background(), h, Owner{RunID: "run-a"})
	if err == nil || !strings.Contains(err.Error(), "mkdir") || !strings.Contains(err.Error(), "exit 3") {
		t.Fatalf("Acquire = %+v, %v; want an error quoting mkdir", r, err)
	}
}
