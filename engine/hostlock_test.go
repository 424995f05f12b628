package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/hostlock"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/transport/local"
)

// ownStateHost is a local host with a state dir of its own, so that each
// inventory host has its own lock (the default place, under $XDG_STATE_HOME).
type ownStateHost struct {
	local.Host
	state string
}

func (h ownStateHost) Exec(ctx context.Context, req steps.ExecRequest) (steps.ExecResult, error) {
	req.Command = "XDG_STATE_HOME=" + h.state + "; export XDG_STATE_HOME\n" + req.Command
	return h.Host.Exec(ctx, req)
}

type ownStateConnector struct{ dir string }

func (c ownStateConnector) Connect(ctx context.Context, h *runbooks.InventoryHost) (steps.MutableHost, error) {
	return ownStateHost{Host: local.Host{Name: h.Name}, state: filepath.Join(c.dir, h.Name)}, nil
}

// A host known only during the run (its `on` is a diagnosis's result) is
// locked when mend first connects to it: held by another run, the repair
// there fails naming it and changes nothing; the hosts this run locked
// are released at the end, the other run's lock is left alone.
func TestHostLockTakenOnFirstConnect(t *testing.T) {
	req, dir := setup(t, `
diagnose "sh" "pick" {
  on      = ["a"]
  command = "echo b"
}

repair "write" "there" {
  on      = [diagnose.sh.pick.stdout]
  path    = "%DIR%/out"
  content = "x"
}
`, nil)
	conn := ownStateConnector{dir: filepath.Join(dir, "hosts")}
	b, _ := conn.Connect(context.Background(), &runbooks.InventoryHost{Name: "b"})
	var locker hostlock.Locker
	other := hostlock.Owner{RunID: "other-run", Operator: "bob", Machine: "laptop-2"}
	if r, err := locker.Acquire(context.Background(), b, other); err != nil || !r.Acquired {
		t.Fatalf("taking b's lock for the other run: %+v, %v", r, err)
	}
	a := &memAudit{}
	eng := engine.New(engine.Options{Registry: testRegistry(), Connector: conn, Audit: a, Operator: "tester", RunID: "run1",
		HostLocks: &engine.HostLocks{Locker: locker, Machine: "laptop-1"}})
	run, err := eng.Apply(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	st := run.Steps[1]
	if st.Status != engine.StatusFailed || len(st.Hosts) != 1 || !strings.Contains(st.Hosts[0].Error, "host b is locked by run other-run (operator bob, on laptop-2") {
		t.Fatalf("repair on b: %s %+v; want failed, naming the other run", st.Status, st.Hosts)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); !os.IsNotExist(err) {
		t.Errorf("the repair wrote on a host locked by another run: %v", err)
	}
	got := map[string]engine.LockStatus{}
	for _, l := range run.HostLocks {
		got[l.Host] = l.Status
	}
	if got["a"] != engine.LockReleased || got["b"] != engine.LockRefused {
		t.Errorf("locks = %v; want a released, b refused", got)
	}
	a0, _ := conn.Connect(context.Background(), &runbooks.InventoryHost{Name: "a"})
	if h, err := locker.Read(context.Background(), a0); err != nil || h != nil {
		t.Errorf("a's lock after the run: %+v, %v; want released", h, err)
	}
	if h, err := locker.Read(context.Background(), b); err != nil || h == nil || h.Owner.RunID != "other-run" {
		t.Errorf("b's lock after the run: %+v, %v; want still the other run's", h, err)
	}
	want := []string{"host_lock a ok", "host_lock b refused", "host_lock a ok"}
	var locks []string
	for _, e := range a.events() {
		if strings.HasPrefix(e, "host_lock") {
			locks = append(locks, e)
		}
	}
	if strings.Join(locks, "; ") != strings.Join(want, "; ") {
		t.Errorf("host_lock records %q, want %q", locks, want)
	}
}

// A runbook without repairs neither takes nor reads locks: its plan shows
// none even where another run holds one (its apply would take none).
func TestReadOnlyRunbookReadsNoLocks(t *testing.T) {
	rb := `
diagnose "sh" "look" {
  on      = ["a"]
  command = "echo hi"
}
`
	for _, withRepair := range []bool{false, true} {
		src := rb
		if withRepair {
			src += `
repair "write" "fix" {
  on      = ["a"]
  path    = "%DIR%/out"
  content = "x"
}
`
		}
		req, dir := setup(t, src, nil)
		conn := ownStateConnector{dir: filepath.Join(dir, "hosts")}
		h, _ := conn.Connect(context.Background(), &runbooks.InventoryHost{Name: "a"})
		var locker hostlock.Locker
		if r, err := locker.Acquire(context.Background(), h, hostlock.Owner{RunID: "other-run", Operator: "bob"}); err != nil || !r.Acquired {
			t.Fatalf("taking a's lock: %+v, %v", r, err)
		}
		eng := engine.New(engine.Options{Registry: testRegistry(), Connector: conn, Audit: &memAudit{}, Operator: "tester", RunID: "run1",
			HostLocks: &engine.HostLocks{Locker: locker, Machine: "laptop-1"}})
		run, err := eng.Plan(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if withRepair && len(run.HostLocks) != 1 {
			t.Errorf("plan with a repair shows locks %+v, want the other run's on a", run.HostLocks)
		}
		if !withRepair && len(run.HostLocks) != 0 {
			t.Errorf("plan of a read-only runbook read locks: %+v", run.HostLocks)
		}
	}
}
