package hostlock

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/mend-sh/mend/internal/shell"
	"github.com/mend-sh/mend/steps"
)

// DefaultDir is where the lock lives for the login user, as a shell word
// expanded on the host.
const DefaultDir = `"${XDG_STATE_HOME:-${HOME:?HOME is not set}/.local/state}/mend/lock"`

// Execer runs a command on a host (steps.Host's Exec).
type Execer interface {
	Exec(ctx context.Context, req steps.ExecRequest) (steps.ExecResult, error)
}

// Locker takes, reads, breaks and releases the lock on hosts.
type Locker struct {
	// Dir is the lock directory on every host; "" is DefaultDir. An
	// absolute path (any user who should be excluded must be able to
	// make and remove entries in its parent).
	Dir string
	// settle is how long, in tenths of a second, a lock dir without an
	// owner file is waited on (0: 30); tests shorten it.
	settle int
}

// Result is what Acquire or Break found.
type Result struct {
	// Acquired is set when the lock is now this run's (also when this run
	// already held it: two inventory names for one host and login user).
	Acquired bool
	// Held is who holds it, when Acquired is false.
	Held *Holder
	// Broke (Break) is set when a lock was there and was removed; a Break
	// that finds the lock gone already (its holder released it) takes it
	// as Acquire does, and Broke is false.
	Broke bool
}

// dirWord is the lock directory as a shell word.
func (l Locker) dirWord() string {
	if l.Dir == "" {
		return DefaultDir
	}
	return shell.Quote(l.Dir)
}

// prologue sets l (the lock dir) and a restrictive umask.
func (l Locker) prologue() string {
	return "umask 077; broke=; l=" + l.dirWord() + " || exit 3\n"
}

// showHolder prints "held" and the owner file (bounded), or "held-empty".
// A lock dir without its owner file yet is being taken (mkdir, then the
// owner file): it waits up to 3 s for the file before saying so.
func (l Locker) showHolder() string {
	tenths := 30
	if l.settle > 0 {
		tenths = l.settle
	}
	return fmt.Sprintf(`i=0; while [ -d "$l" ] && [ ! -f "$l/owner" ] && [ $i -lt %d ]; do sleep 0.1; i=$((i+1)); done
if [ -f "$l/owner" ]; then echo held; head -c %d -- "$l/owner"; elif [ ! -e "$l" ] && [ ! -L "$l" ]; then echo free; else echo held-empty; fi
`, tenths, MaxOwnerBytes+1)
}

// take makes the lock dir and writes the owner file into it atomically
// (shell builtins but for mkdir and mv: each process costs on a host). A
// mkdir that fails with no lock dir there (no permission, a read-only or
// full file system) is tried once more, and its error is the script's.
func take(o Owner) string {
	return `[ -d "${l%/*}" ] || mkdir -p -- "${l%/*}" || exit 3
if mkdir -- "$l" 2>/dev/null || { [ ! -e "$l" ] && [ ! -L "$l" ] && { mkdir -- "$l" || exit 3; }; }; then
	if printf '%s' ` + shell.Quote(string(o.encode())) + ` >"$l/owner.tmp" && mv -f -- "$l/owner.tmp" "$l/owner"; then echo acquired${broke:+-broken}; exit 0; fi
	rm -f -- "$l/owner.tmp" "$l/owner"; rmdir -- "$l"; exit 4
fi
`
}

// Acquire takes the lock on h for o, or reports who holds it. A lock held
// by o's own run counts as acquired.
func (l Locker) Acquire(ctx context.Context, h Execer, o Owner) (Result, error) {
	return l.acquire(ctx, h, o, l.prologue()+take(o)+l.showHolder())
}

// Break removes the lock held by old (only if the host still shows that
// holder's run, or, for a holder without one, whatever is there) and
// takes it for o.
func (l Locker) Break(ctx context.Context, h Execer, o Owner, old Holder) (Result, error) {
	remove := `if [ -e "$l" ] || [ -L "$l" ]; then rm -rf -- "$l" || exit 5; broke=1; fi` + "\n"
	if old.Problem == "" {
		remove = `if [ -e "$l" ] || [ -L "$l" ]; then
	if ! { [ -f "$l/owner" ] && grep -qF -- ` + shell.Quote(runIDMark(old.Owner.RunID)) + ` "$l/owner"; }; then ` + strings.ReplaceAll(strings.TrimSpace(l.showHolder()), "\n", "; ") + `; exit 0; fi
	rm -rf -- "$l" || exit 5
	broke=1
fi
`
	}
	return l.acquire(ctx, h, o, l.prologue()+remove+take(o)+l.showHolder())
}

func (l Locker) acquire(ctx context.Context, h Execer, o Owner, script string) (Result, error) {
	res, err := h.Exec(ctx, steps.ExecRequest{Command: script, NoSudo: true})
	// "free": the lock was released while the script looked at it (its
	// directory gone after mkdir found it): take it again, a few times.
	for i := 0; err == nil && res.ExitCode == 0 && bytes.HasPrefix(res.Stdout, []byte("free\n")) && i < 3; i++ {
		res, err = h.Exec(ctx, steps.ExecRequest{Command: script, NoSudo: true})
	}
	if err != nil {
		return Result{}, err
	}
	if res.ExitCode != 0 {
		return Result{}, scriptError("take the lock", res)
	}
	state, rest := firstLine(res.Stdout)
	switch state {
	case "acquired", "acquired-broken":
		return Result{Acquired: true, Broke: state == "acquired-broken"}, nil
	case "held", "held-empty":
		holder := holderOf(rest, state == "held")
		if holder.Problem == "" && holder.Owner.RunID == o.RunID {
			return Result{Acquired: true}, nil
		}
		return Result{Held: &holder}, nil
	}
	return Result{}, fmt.Errorf("taking the lock printed %q, not acquired or held", bound(state))
}

// Release removes the lock if run id holds it. It returns the holder when
// someone else does (the lock is left alone); nil when it was released or
// was not there.
func (l Locker) Release(ctx context.Context, h Execer, runID string) (*Holder, error) {
	script := l.prologue() + `if [ ! -e "$l" ] && [ ! -L "$l" ]; then echo free; exit 0; fi
o=; [ -f "$l/owner" ] && IFS= read -r o <"$l/owner"
case $o in *` + shell.Quote(runIDMark(runID)) + `*)
	rm -rf -- "$l" && echo released && exit 0
	exit 6;;
esac
` + l.showHolder()
	res, err := h.Exec(ctx, steps.ExecRequest{Command: script, NoSudo: true})
	if err != nil {
		return nil, err
	}
	if res.ExitCode != 0 {
		return nil, scriptError("release the lock", res)
	}
	return l.holderIn(res)
}

// Read reports who holds the lock on h (nil: nobody). It changes nothing
// on the host: it makes no directory and writes no file.
func (l Locker) Read(ctx context.Context, h Execer) (*Holder, error) {
	script := "l=" + l.dirWord() + ` || exit 3
if [ ! -e "$l" ] && [ ! -L "$l" ]; then echo free; exit 0; fi
` + l.showHolder()
	res, err := h.Exec(ctx, steps.ExecRequest{Command: script, NoSudo: true})
	if err != nil {
		return nil, err
	}
	if res.ExitCode != 0 {
		return nil, scriptError("read the lock", res)
	}
	return l.holderIn(res)
}

// holderIn reads the output of showHolder, or "free"/"released" (nil).
func (l Locker) holderIn(res steps.ExecResult) (*Holder, error) {
	state, rest := firstLine(res.Stdout)
	switch state {
	case "free", "released":
		return nil, nil
	case "held", "held-empty":
		holder := holderOf(rest, state == "held")
		return &holder, nil
	}
	return nil, fmt.Errorf("the lock script printed %q", bound(state))
}

// firstLine splits out's first line from the rest.
func firstLine(out []byte) (string, []byte) {
	line, rest, _ := bytes.Cut(out, []byte("\n"))
	if len(line) > 64 {
		line = line[:64]
	}
	return string(line), rest
}

// scriptError is a failed lock command, with its (bounded) stderr.
func scriptError(what string, res steps.ExecResult) error {
	msg := strings.TrimSpace(string(res.Stderr))
	if len(msg) > 512 {
		msg = msg[:512] + "…"
	}
	return fmt.Errorf("cannot %s (exit %d): %s", what, res.ExitCode, bound(msg))
}
