package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/builtin"
	mendssh "github.com/mend-sh/mend/transport/ssh"
)

// poolConnector reaches every inventory host through one real sshd.
type poolConnector struct {
	srv  *sshtest.Server
	pool *mendssh.Pool
}

func (c poolConnector) Connect(ctx context.Context, h *runbooks.InventoryHost) (steps.MutableHost, error) {
	t := c.srv.Target()
	t.Name = h.Name
	return c.pool.Host(ctx, t)
}

// TestSSHDDiesMidRepair kills sshd (and the session's processes) while a
// repair runs: the repair's outcome is unknown, not failed or ok, the run
// stops, and the audit log holds the intent and an outcome-unknown record.
func TestSSHDDiesMidRepair(t *testing.T) {
	srv := sshtest.Start(t)
	dir := t.TempDir()
	src := `
repair "command" "slow_fix" {
  on      = ["box"]
  command = "sleep 30"
}
diagnose "command" "after" {
  on      = ["box"]
  command = "true"
}
`
	path := filepath.Join(dir, "rb.mend.hcl")
	os.WriteFile(path, []byte(src), 0o644)
	rb, diags := loadFile(path, builtin.Registry())
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	inv, diags := runbooks.LoadInventory("inv.mend.hcl", []byte("host \"box\" {\n  address = \"127.0.0.1\"\n}\n"))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	a := &memAudit{}
	eng := engine.New(engine.Options{Registry: builtin.Registry(), Connector: poolConnector{srv, srv.Pool(t)}, Audit: a, RunID: "r"})
	go func() {
		time.Sleep(1500 * time.Millisecond)
		srv.Stop(t)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	run, err := eng.Apply(ctx, engine.Request{Runbook: rb, Inventory: inv})
	if err != nil {
		t.Fatal(err)
	}
	if got := run.Steps[0].Status; got != engine.StatusOutcomeUnknown {
		t.Fatalf("slow_fix = %s (%+v), want outcome-unknown", got, run.Steps[0].Hosts[0])
	}
	if got := run.Steps[1].Status; got != engine.StatusNotRun {
		t.Errorf("after = %s, want not-run", got)
	}
	ev := a.events()
	for _, want := range []string{"step_start repair.command.slow_fix box", "step_finish repair.command.slow_fix box unknown"} {
		if !contains(ev, want) {
			t.Errorf("audit lacks %q: %q", want, ev)
		}
	}
}

// TestFanOutManyHostsNoLeaks runs two steps on 40 inventory hosts (aliases
// of one real sshd) with the default bound of 10 at a time: every host
// answers, and once the pool is closed no goroutine is left behind.
func TestFanOutManyHostsNoLeaks(t *testing.T) {
	srv := sshtest.Start(t, sshtest.WithConfig("MaxSessions 100", "MaxStartups 200:30:400"))
	const hosts = 40
	var inv strings.Builder
	for i := 0; i < hosts; i++ {
		fmt.Fprintf(&inv, "host \"h%02d\" {\n  address = \"127.0.0.1\"\n  groups  = [\"all\"]\n}\n", i)
	}
	in, diags := runbooks.LoadInventory("inv.mend.hcl", []byte(inv.String()))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	rb, diags := load("rb.mend.hcl", []byte(`
diagnose "command" "who" {
  on      = "all"
  command = "echo ${host.name}"
}
diagnose "command" "again" {
  on      = "all"
  command = "test ${trimspace(diagnose.command.who.hosts[host.name].stdout)} = ${host.name}"
}
`), builtin.Registry())
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	before := runtime.NumGoroutine()
	pool := mendssh.NewPool(srv.Config())
	eng := engine.New(engine.Options{Registry: builtin.Registry(), Connector: poolConnector{srv, pool}})
	run, err := eng.Apply(context.Background(), engine.Request{Runbook: rb, Inventory: in})
	if err != nil || run.Failed() {
		t.Fatalf("apply: %v %s", err, run.Err)
	}
	for _, s := range run.Steps {
		if len(s.Hosts) != hosts || s.Status != engine.StatusOk {
			t.Errorf("%s: %d hosts, %s", s.Address, len(s.Hosts), s.Status)
		}
	}
	pool.Close()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+2 {
		t.Errorf("goroutines: %d before, %d after closing the pool", before, n)
	}
}
