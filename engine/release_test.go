package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/hostlock"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/transport/local"
	"github.com/zclconf/go-cty/cty"
)

// releasingConnector is a Connector and engine.Releaser over local hosts
// that checks how the engine uses it: every handle is released once, a
// host is never retired while held nor connected after it was retired,
// and (with max > 0) no more than max handles are held at once: Connect
// waits for a release, a bounded time, as the SSH pool does.
type releasingConnector struct {
	max     int
	state   string // set: each host is a machine of its own, its state dir (its lock) under this one (newMachineHandle)
	mu      sync.Mutex
	held    map[string]int
	total   int
	peak    int
	retired map[string]bool
	log     []string
	errs    []string
}

// handle is a local host told apart per Connect, so that Release can
// say which one it gives back.
type handle struct {
	local.Host
	id int
}

func newReleasing(max int) *releasingConnector {
	return &releasingConnector{max: max, held: map[string]int{}, retired: map[string]bool{}}
}

func (c *releasingConnector) Connect(ctx context.Context, h *runbooks.InventoryHost) (steps.MutableHost, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := 0; c.max > 0 && c.total >= c.max; i++ {
		if i == 2000 || ctx.Err() != nil { // 2 s: a deadlock, not a slow host
			c.errs = append(c.errs, "connect "+h.Name+": no handle released within 2s at the cap")
			return nil, steps.Errorf(steps.ClassTimeout, "no free connection")
		}
		c.mu.Unlock()
		time.Sleep(time.Millisecond)
		c.mu.Lock()
	}
	if c.retired[h.Name] {
		c.errs = append(c.errs, "connect "+h.Name+" after it was retired")
	}
	c.held[h.Name]++
	c.total++
	c.peak = max(c.peak, c.total)
	c.log = append(c.log, "connect "+h.Name)
	if c.state != "" {
		return newMachineHandle(h.Name, c.state, h.Name), nil
	}
	return handle{local.Host{Name: h.Name}, len(c.log)}, nil
}

func (c *releasingConnector) Release(h *runbooks.InventoryHost, mh steps.MutableHost) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, plain := mh.(handle)
	_, machine := mh.(machineHandle)
	if !plain && !machine || mh.Info().Name != h.Name {
		c.errs = append(c.errs, fmt.Sprintf("release %s with a handle of %T %q", h.Name, mh, mh.Info().Name))
	}
	c.held[h.Name]--
	c.total--
	if c.held[h.Name] < 0 {
		c.errs = append(c.errs, "release "+h.Name+" more often than it was connected")
	}
}

func (c *releasingConnector) Retire(h *runbooks.InventoryHost) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.held[h.Name] > 0 {
		c.errs = append(c.errs, "retire "+h.Name+" while it is held")
	}
	c.retired[h.Name] = true
	c.log = append(c.log, "retire "+h.Name)
}

// check fails t on any misuse, and unless every host in retired was
// retired (and released) at the end.
func (c *releasingConnector) check(t *testing.T, retired ...string) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.errs {
		t.Error(e)
	}
	for h, n := range c.held {
		if n != 0 {
			t.Errorf("%s still held %d times after the run", h, n)
		}
	}
	for _, h := range retired {
		if !c.retired[h] {
			t.Errorf("%s was not retired; log:\n%s", h, strings.Join(c.log, "\n"))
		}
	}
}

// TestReleaseAndRetire: a plan and an apply over plain steps, a repair,
// a for_each and a stage release every handle they took, retire a host
// only once no later step goes there (never in the middle of the stage,
// nor while a for_each's later instances may go there), and retire every
// host by the end.
func TestReleaseAndRetire(t *testing.T) {
	req, _ := setup(t, `
diagnose "sh" "first" {
  on      = ["a", "b"]
  command = "true"
}

repair "write" "w" {
  on      = ["a"]
  path    = "%DIR%/w-${host.name}"
  content = "x"
}

diagnose "sh" "each" {
  for_each = toset(["a", "b"])
  on       = [each.key]
  command  = "true"
}

stage "roll" {
  on     = "web"
  serial = 1

  diagnose "sh" "one" {
    command = "true"
  }

  diagnose "sh" "two" {
    command = "true"
  }
}

diagnose "sh" "last" {
  on      = ["b"]
  command = "true"
}
`, nil)
	for _, mode := range []engine.Mode{engine.ModePlan, engine.ModeApply} {
		t.Run(string(mode), func(t *testing.T) {
			c := newReleasing(0)
			e := engine.New(engine.Options{Registry: testRegistry(), Connector: c, Audit: &memAudit{}, Operator: "tester", RunID: "run1"})
			var run *engine.Run
			var err error
			if mode == engine.ModePlan {
				run, err = e.Plan(context.Background(), req)
			} else {
				req.Approver = &grant{allow: map[string]bool{}}
				run, err = e.Apply(context.Background(), req)
			}
			if err != nil || run.Failed() {
				t.Fatalf("%s: %v %s %v", mode, err, run.Err, statuses(run))
			}
			c.check(t, "a", "b")
			// a is done after the stage; b only after the last step.
			ra, rb := slices.Index(c.log, "retire a"), slices.Index(c.log, "retire b")
			if ra < 0 || rb < 0 || ra > rb || slices.Contains(c.log[ra+1:], "connect a") {
				t.Errorf("retired out of order:\n%s", strings.Join(c.log, "\n"))
			}
		})
	}
}

// TestRetireAsSoonAsKnown: a host whose later steps are known is retired
// as soon as its part of a step is over (before the other hosts' parts
// end, with parallelism 1); a host that a later step may go to (its on
// depends on a result) is kept until that result is known.
func TestRetireAsSoonAsKnown(t *testing.T) {
	req, _ := setup(t, `
diagnose "sh" "first" {
  on      = ["a", "b"]
  command = "echo ${host.name}"
}

diagnose "sh" "then" {
  on      = [for h, r in diagnose.sh.first.hosts : h if r.stdout == "b"]
  command = "true"
}
`, nil)
	c := newReleasing(0)
	e := engine.New(engine.Options{Registry: testRegistry(), Connector: c, Audit: &memAudit{}, Operator: "tester", RunID: "run1", Parallelism: 1})
	run, err := e.Apply(context.Background(), req)
	if err != nil || run.Failed() {
		t.Fatalf("apply: %v %s %v", err, run.Err, statuses(run))
	}
	c.check(t, "a", "b")
	want := []string{"connect a", "connect b", "retire a", "connect b", "retire b"}
	if !slices.Equal(c.log, want) {
		t.Errorf("log:\n%s\nwant:\n%s", strings.Join(c.log, "\n"), strings.Join(want, "\n"))
	}

	req2, _ := setup(t, `
diagnose "sh" "one" {
  on      = ["a", "b"]
  command = "true"
}
`, nil)
	c = newReleasing(0)
	e = engine.New(engine.Options{Registry: testRegistry(), Connector: c, Audit: &memAudit{}, Operator: "tester", RunID: "run1", Parallelism: 1})
	if run, err := e.Plan(context.Background(), req2); err != nil || run.Failed() {
		t.Fatalf("plan: %v", err)
	}
	c.check(t, "a", "b")
	want = []string{"connect a", "retire a", "connect b", "retire b"}
	if !slices.Equal(c.log, want) {
		t.Errorf("log:\n%s\nwant:\n%s", strings.Join(c.log, "\n"), strings.Join(want, "\n"))
	}
}

// TestMaxConnectionsBelowBatch: with a cap of 1 connection and a sink
// that stores audit batches, a step on two hosts does not connect both
// before running either (that would wait forever for the cap): it runs
// them one after the other, never holding more than one.
func TestMaxConnectionsBelowBatch(t *testing.T) {
	req, _ := setup(t, `
diagnose "sh" "both" {
  on      = ["web"]
  command = "true"
}

repair "write" "w" {
  on      = ["web"]
  path    = "%DIR%/w-${host.name}"
  content = "x"
}
`, nil)
	c := newReleasing(1)
	e := engine.New(engine.Options{Registry: testRegistry(), Connector: c, Audit: &batchAudit{memAudit: &memAudit{}},
		Operator: "tester", RunID: "run1", MaxConnections: 1})
	req.Approver = &grant{allow: map[string]bool{}}
	run, err := e.Apply(context.Background(), req)
	if err != nil || run.Failed() {
		t.Fatalf("apply: %v %s %v", err, run.Err, statuses(run))
	}
	c.check(t, "a", "b")
	if c.peak != 1 {
		t.Errorf("peak %d handles held at once, want 1", c.peak)
	}
}

// peekDiag is a test diagnose that reads another host (req.Hosts), as
// x509_inspect's ca_host does.
type peekDiag struct{}

type peekConfig struct {
	Other string `hcl:"other"`
}

func (peekDiag) Name() string     { return "peek" }
func (peekDiag) NewConfig() any   { return &peekConfig{} }
func (peekDiag) Output() cty.Type { return cty.Object(map[string]cty.Type{"other": cty.String}) }
func (peekDiag) Diagnose(ctx context.Context, req steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	h, err := req.Hosts.Host(ctx, req.Config.(*peekConfig).Other)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	return steps.DiagnoseResponse{Output: cty.ObjectVal(map[string]cty.Value{"other": cty.StringVal(h.Info().Name)})}, nil
}

// TestReleaseOtherHosts: a step that reads another host releases that
// handle too when it is done, and the other host is retired once no
// later step goes there.
func TestReleaseOtherHosts(t *testing.T) {
	req, _ := setup(t, `
diagnose "peek" "b_from_a" {
  on    = ["a"]
  other = "b"
}
`, nil)
	c := newReleasing(0)
	e := engine.New(engine.Options{Registry: testRegistry(), Connector: c, Audit: &memAudit{}, Operator: "tester", RunID: "run1"})
	run, err := e.Plan(context.Background(), req)
	if err != nil || run.Failed() {
		t.Fatalf("plan: %v %s %v", err, run.Err, statuses(run))
	}
	c.check(t, "a", "b")
}

// applyWithLocks applies req through conn with host locks on (and every
// gate granted), failing t unless the run succeeds.
func applyWithLocks(t *testing.T, req engine.Request, conn engine.Connector, a engine.AuditSink) *engine.Run {
	t.Helper()
	e := engine.New(engine.Options{Registry: testRegistry(), Connector: conn, Audit: a, Operator: "tester", RunID: "run1",
		HostLocks: &engine.HostLocks{Locker: hostlock.Locker{}, Machine: "laptop-1"}})
	req.Approver = &grant{allow: map[string]bool{}}
	run, err := e.Apply(context.Background(), req)
	if err != nil || run.Failed() {
		t.Fatalf("apply: %v %s %v", err, run.Err, statuses(run))
	}
	return run
}

// lockAfterRun fails t unless name's lock is gone after the run.
func lockAfterRun(t *testing.T, conn engine.Connector, name string) {
	t.Helper()
	h, _ := conn.Connect(context.Background(), &runbooks.InventoryHost{Name: name})
	if l, err := (hostlock.Locker{}).Read(context.Background(), h); err != nil || l != nil {
		t.Errorf("%s's lock after the run: %+v, %v; want released", name, l, err)
	}
}

// TestLockReleasedOverLastConnection: in an apply with host locks, a
// host's lock is released over its connection when its last step is
// done, before the connection is retired: no host is connected again at
// the end of the run to release it (a handshake per host), and each lock
// is released (record and lock dir) once the host's part is over, while
// the other host still runs.
func TestLockReleasedOverLastConnection(t *testing.T) {
	req, dir := setup(t, `
repair "write" "w" {
  on      = ["a", "b"]
  path    = "%DIR%/w-${host.name}"
  content = "x"
}

diagnose "sh" "then" {
  on      = ["b"]
  command = "true"
}
`, nil)
	c := newReleasing(0)
	c.state = filepath.Join(dir, "hosts")
	a := &memAudit{}
	run := applyWithLocks(t, req, c, a)
	c.check(t, "a", "b") // among others: no host connected after it was retired
	for _, l := range run.HostLocks {
		if l.Status != engine.LockReleased {
			t.Errorf("lock of %s: %s, want released", l.Host, l.Status)
		}
	}
	if len(run.HostLocks) != 2 {
		t.Errorf("locks: %+v, want a and b", run.HostLocks)
	}
	lockAfterRun(t, c, "a")
	lockAfterRun(t, c, "b")
	ev := a.events()
	relA := slices.Index(ev, "host_lock a ok")
	if i := slices.Index(ev[relA+1:], "host_lock a ok"); i < 0 {
		t.Fatalf("no release record of a: %q", ev)
	} else {
		relA += 1 + i
	}
	if then := slices.IndexFunc(ev, func(s string) bool { return strings.HasPrefix(s, "step_finish diagnose.sh.then b") }); then < 0 || relA > then {
		t.Errorf("a's lock released at %d, after b's later step (%d): %q", relA, then, ev)
	}
}

// seriesHost is a local host that notes the engine's MoreCommands hints
// (steps.Series) and the commands run after each.
type seriesHost struct {
	local.Host
	log *seriesLog
}

type seriesLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *seriesLog) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, s)
}

func (h seriesHost) MoreCommands() { h.log.add(h.Name + ": more") }

func (h seriesHost) Exec(ctx context.Context, req steps.ExecRequest) (steps.ExecResult, error) {
	h.log.add(h.Name + ": " + strings.Fields(req.Command)[0])
	return h.Host.Exec(ctx, req)
}

// seriesConnector is a Releaser, as the SSH connector is: the engine
// works out the hosts of later steps only for one.
type seriesConnector struct{ log *seriesLog }

func (seriesConnector) Release(*runbooks.InventoryHost, steps.MutableHost) {}
func (seriesConnector) Retire(*runbooks.InventoryHost)                     {}

func (c seriesConnector) Connect(ctx context.Context, h *runbooks.InventoryHost) (steps.MutableHost, error) {
	return seriesHost{local.Host{Name: h.Name}, c.log}, nil
}

// TestMoreCommandsHint: the engine tells a host that more commands will
// follow exactly when it knows: before a step that has later steps on
// the host (a's first step, b's first), and before a retried step's
// attempts (b's last); not before a host's last step otherwise (a's
// second), so that a lone command there runs in a session of its own.
func TestMoreCommandsHint(t *testing.T) {
	req, _ := setup(t, `
diagnose "sh" "first" {
  on      = ["a"]
  command = "echo first"
}

diagnose "sh" "second" {
  on      = ["a", "b"]
  command = "echo second"
}

diagnose "sh" "retried" {
  on      = ["b"]
  command = "echo retried"
  retry {
    attempts = 2
    delay    = "1ms"
  }
}
`, nil)
	log := &seriesLog{}
	e := engine.New(engine.Options{Registry: testRegistry(), Connector: seriesConnector{log}, Audit: &memAudit{}, Operator: "tester", RunID: "run1"})
	run, err := e.Apply(context.Background(), req)
	if err != nil || run.Failed() {
		t.Fatalf("apply: %v %s %v", err, run.Err, statuses(run))
	}
	byHost := map[string][]string{}
	for _, l := range log.lines {
		name, what, _ := strings.Cut(l, ": ")
		byHost[name] = append(byHost[name], what)
	}
	want := map[string][]string{
		"a": {"more", "echo", "echo"},
		"b": {"more", "echo", "more", "echo"},
	}
	for h, w := range want {
		if !slices.Equal(byHost[h], w) {
			t.Errorf("%s: %q, want %q", h, byHost[h], w)
		}
	}
}

// machineConnector hands out local hosts whose lock dir (state) and
// identity are the machine's: names mapped to one machine share both, as
// an alias and an address of one host do. A handle dies (every later
// command fails, as over a dropped connection) once its host's file
// "kill-NAME" exists in dir; a new Connect gets a live one.
type machineConnector struct {
	dir     string
	machine map[string]string // inventory name -> machine
	mu      sync.Mutex
	dials   map[string]int
}

type machineHandle struct {
	local.Host
	state, addr, kill string
	dead              *bool
	mu                *sync.Mutex
}

// newMachineHandle is name's handle on machine, whose state dir is under
// dir.
func newMachineHandle(name, dir, machine string) machineHandle {
	return machineHandle{Host: local.Host{Name: name}, state: filepath.Join(dir, machine), addr: "machine:" + machine,
		kill: filepath.Join(dir, "kill-"+name), dead: new(bool), mu: &sync.Mutex{}}
}

func (h machineHandle) Info() steps.HostInfo {
	info := h.Host.Info()
	info.Address = h.addr
	return info
}

func (h machineHandle) Exec(ctx context.Context, req steps.ExecRequest) (steps.ExecResult, error) {
	h.mu.Lock()
	dead := *h.dead
	h.mu.Unlock()
	if dead {
		return steps.ExecResult{}, steps.Errorf(steps.ClassTransport, "connection to %s lost", h.Name)
	}
	req.Command = "XDG_STATE_HOME=" + h.state + "; export XDG_STATE_HOME\n" + req.Command
	res, err := h.Host.Exec(ctx, req)
	if _, serr := os.Stat(h.kill); serr == nil {
		h.mu.Lock()
		*h.dead = true
		h.mu.Unlock()
	}
	return res, err
}

func (c *machineConnector) Connect(ctx context.Context, h *runbooks.InventoryHost) (steps.MutableHost, error) {
	c.mu.Lock()
	if c.dials == nil {
		c.dials = map[string]int{}
	}
	c.dials[h.Name]++
	c.mu.Unlock()
	m := c.machine[h.Name]
	if m == "" {
		m = h.Name
	}
	return newMachineHandle(h.Name, c.dir, m), nil
}

func (c *machineConnector) Release(*runbooks.InventoryHost, steps.MutableHost) {}
func (c *machineConnector) Retire(*runbooks.InventoryHost)                     {}

// TestLockOfTwoNamesOfOneMachine: a and b are two names of one machine,
// so they share its one lock. a is done after the first step, b runs one
// more: the lock stays until b is done too (it is not released under
// b's running step), then both names are released.
func TestLockOfTwoNamesOfOneMachine(t *testing.T) {
	req, dir := setup(t, `
repair "write" "w" {
  on      = ["a", "b"]
  path    = "%DIR%/w-${host.name}"
  content = "x"
}

diagnose "sh" "still_locked" {
  on      = ["b"]
  command = "test -f \"$XDG_STATE_HOME/mend/lock/owner\" && echo locked"
}
`, nil)
	c := &machineConnector{dir: filepath.Join(dir, "m"), machine: map[string]string{"a": "m1", "b": "m1"}}
	run := applyWithLocks(t, req, c, &memAudit{})
	if h := run.Steps[1].Hosts[0]; h.Status != engine.StatusOk {
		t.Errorf("b's last step ran without the machine's lock: %+v", h)
	}
	for _, l := range run.HostLocks {
		if l.Status != engine.LockReleased {
			t.Errorf("lock of %s: %s, want released", l.Host, l.Status)
		}
	}
	lockAfterRun(t, c, "a") // the machine's
}

// TestLockReleaseAfterConnectionLost: a host's last step takes its
// connection down (a restart of sshd, a reboot): releasing the lock over
// it fails, and the end of the run connects again and releases it.
func TestLockReleaseAfterConnectionLost(t *testing.T) {
	req, dir := setup(t, `
repair "write" "w" {
  on      = ["a"]
  path    = "%DIR%/w"
  content = "x"
}

diagnose "sh" "restart_sshd" {
  on      = ["a"]
  command = "touch %DIR%/m/kill-a"
}
`, nil)
	c := &machineConnector{dir: filepath.Join(dir, "m")}
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	run := applyWithLocks(t, req, c, &memAudit{})
	if len(run.HostLocks) != 1 || run.HostLocks[0].Status != engine.LockReleased {
		t.Errorf("locks: %+v, want a released", run.HostLocks)
	}
	os.Remove(filepath.Join(c.dir, "kill-a"))
	lockAfterRun(t, c, "a")
	if c.dials["a"] < 2 {
		t.Errorf("a dialled %d times; want again at the end, to release", c.dials["a"])
	}
}
