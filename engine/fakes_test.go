package engine_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/transport/local"
	"github.com/zclconf/go-cty/cty"
)

// shDiag is a test diagnose: runs a shell command on the host.
type shDiag struct{}

type shConfig struct {
	Command string `hcl:"command"`
}

func (shDiag) Name() string   { return "sh" }
func (shDiag) NewConfig() any { return &shConfig{} }
func (shDiag) Output() cty.Type {
	return cty.Object(map[string]cty.Type{"exit_code": cty.Number, "stdout": cty.String, "stderr": cty.String})
}
func (shDiag) Diagnose(ctx context.Context, req steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	cfg := req.Config.(*shConfig)
	res, err := req.Host.Exec(ctx, steps.ExecRequest{Command: cfg.Command})
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	out := cty.ObjectVal(map[string]cty.Value{
		"exit_code": cty.NumberIntVal(int64(res.ExitCode)),
		"stdout":    cty.StringVal(strings.TrimSpace(string(res.Stdout))),
		"stderr":    cty.StringVal(string(res.Stderr)),
	})
	resp := steps.DiagnoseResponse{Output: out, Summary: fmt.Sprintf("exit %d", res.ExitCode)}
	if res.ExitCode != 0 {
		return resp, steps.Errorf(steps.ClassExitStatus, "exit %d", res.ExitCode)
	}
	return resp, nil
}

// writeRepair is a test repair: writes content to a file.
type writeRepair struct{ dangerous bool }

type writeConfig struct {
	Path    string `hcl:"path"`
	Content string `hcl:"content"`
}

func (w writeRepair) Name() string {
	if w.dangerous {
		return "danger_write"
	}
	return "write"
}
func (writeRepair) NewConfig() any { return &writeConfig{} }
func (writeRepair) Output() cty.Type {
	return cty.Object(map[string]cty.Type{"path": cty.String, "sha256": cty.String})
}
func (w writeRepair) Dangerous() bool { return w.dangerous }

// ValidateConfig wants an absolute path, naming the argument as the
// built-in file type does.
func (writeRepair) ValidateConfig(config any) error {
	if cfg := config.(*writeConfig); !filepath.IsAbs(cfg.Path) {
		return steps.ArgErrorf("path", "path must be absolute, got %q", cfg.Path)
	}
	return nil
}
func (writeRepair) Plan(ctx context.Context, req steps.PlanRequest) (steps.PlanResponse, error) {
	cfg := req.Config.(*writeConfig)
	f, err := req.Host.ReadFile(ctx, cfg.Path)
	if err != nil {
		return steps.PlanResponse{}, err
	}
	if f.Exists && string(f.Content) == cfg.Content {
		return steps.PlanResponse{Action: steps.NoOp, Preview: steps.Preview{Summary: "already converged"},
			Output: cty.ObjectVal(map[string]cty.Value{"path": cty.StringVal(cfg.Path), "sha256": cty.UnknownVal(cty.String)})}, nil
	}
	return steps.PlanResponse{Action: steps.Change, Preview: steps.Preview{
		Summary: "write " + cfg.Path, Diff: "-" + string(f.Content) + "\n+" + cfg.Content + "\n"}}, nil
}
func (writeRepair) Apply(ctx context.Context, req steps.ApplyRequest) (steps.ApplyResponse, error) {
	cfg := req.Config.(*writeConfig)
	res, err := req.Host.WriteFile(ctx, steps.WriteFileRequest{Path: cfg.Path, Content: []byte(cfg.Content), Mode: 0o644})
	if err != nil {
		return steps.ApplyResponse{}, err
	}
	return steps.ApplyResponse{Changed: true, Summary: "wrote " + cfg.Path,
		Output: cty.ObjectVal(map[string]cty.Value{"path": cty.StringVal(cfg.Path), "sha256": cty.StringVal(res.SHA256)})}, nil
}

func testRegistry() *steps.Registry {
	return steps.NewRegistry([]steps.Diagnoser{shDiag{}, peekDiag{}}, []steps.Repairer{writeRepair{}, writeRepair{dangerous: true}, clusterWrite{}})
}

// clusterWrite is writeRepair declared steps.ClusterWide, as the etcd
// repairs are: its change is seen from every host.
type clusterWrite struct{ writeRepair }

func (clusterWrite) Name() string      { return "cluster_write" }
func (clusterWrite) ClusterWide() bool { return true }

// localConnector hands out local hosts named after the inventory host.
type localConnector struct{}

func (localConnector) Connect(ctx context.Context, h *runbooks.InventoryHost) (steps.MutableHost, error) {
	return local.Host{Name: h.Name}, nil
}

// memAudit keeps records in memory and can be told to fail.
type memAudit struct {
	mu        sync.Mutex
	recs      []audit.Record
	fail      bool
	failAfter int // >0: appends after this many records fail (a disk filling up)
}

func (m *memAudit) Append(r audit.Record) (audit.Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail || (m.failAfter > 0 && len(m.recs) >= m.failAfter) {
		return r, errors.New("write /var/log/mend/audit.jsonl: no space left on device")
	}
	r.Seq = uint64(len(m.recs) + 1)
	m.recs = append(m.recs, r)
	return r, nil
}

func (m *memAudit) events() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, r := range m.recs {
		s := string(r.Event)
		if r.Step != "" {
			s += " " + r.Step
		}
		if r.Host != "" {
			s += " " + r.Host
		}
		if r.Outcome != "" {
			s += " " + string(r.Outcome)
		}
		out = append(out, s)
	}
	return out
}

const testInventory = `
host "a" {
  address = "local"
  groups  = ["web"]
}
host "b" {
  address = "local"
  groups  = ["web"]
}
`

// setup loads a runbook (with %DIR% replaced by a temp dir) and the
// two-host local inventory.
func setup(t *testing.T, src string, vars map[string]string) (engine.Request, string) {
	t.Helper()
	dir := t.TempDir()
	src = strings.ReplaceAll(src, "%DIR%", dir)
	path := filepath.Join(dir, "test.mend.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	rb, diags := loadFile(path, testRegistry())
	if diags.HasErrors() {
		t.Fatalf("load runbook: %s", diags.Error())
	}
	inv, diags := runbooks.LoadInventory("inventory.mend.hcl", []byte(testInventory))
	if diags.HasErrors() {
		t.Fatalf("load inventory: %s", diags.Error())
	}
	v, diags := rb.EvalVariables(vars, nil)
	if diags.HasErrors() {
		t.Fatalf("variables: %s", diags.Error())
	}
	return engine.Request{Runbook: rb, Inventory: inv, Vars: v}, dir
}

func newEngine(a *memAudit) *engine.Engine {
	return engine.New(engine.Options{Registry: testRegistry(), Connector: localConnector{}, Audit: a, Operator: "tester", RunID: "run1"})
}

// grant approves the listed gates and records every gate it was asked.
type grant struct {
	mu    sync.Mutex
	allow map[string]bool
	asked []string
}

func (g *grant) Approve(ctx context.Context, gate engine.Gate) (engine.Decision, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.asked = append(g.asked, gate.Address)
	return engine.Decision{Granted: g.allow[gate.Address], By: "test", Reason: "test refused"}, nil
}

// load loads a runbook and validates it against reg, as the CLI does.
func load(filename string, src []byte, reg *steps.Registry) (*runbooks.Runbook, hcl.Diagnostics) {
	rb, diags := runbooks.Load(filename, src)
	return rb, append(diags, engine.Validate(rb, reg)...)
}

// loadFile is load for a file.
func loadFile(path string, reg *steps.Registry) (*runbooks.Runbook, hcl.Diagnostics) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot read runbook", Detail: err.Error()}}
	}
	return load(path, src, reg)
}
