package engine_test

import (
	"context"
	"os"
	"path/filepath"
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
	rb, diags := runbooks.LoadFile(path, builtin.Registry())
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
