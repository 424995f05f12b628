package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/cmd/mend/views"
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/planfile"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/builtin"
)

// planKeyPath is --plan-key, or plan.key beside the default audit log.
func planKeyPath(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	p, err := audit.DefaultPath()
	if err != nil {
		return "", err
	}
	return filepath.Join(filepath.Dir(p), "plan.key"), nil
}

func loadPlanKey(flag string, create bool) (planfile.Key, error) {
	path, err := planKeyPath(flag)
	if err != nil {
		return nil, err
	}
	return planfile.LoadKey(path, create)
}

// hostKeys wraps the connector: it records the host key each host
// presented (for a plan being saved) and, applying a saved plan, refuses a
// host whose key is not the one the plan reached.
type hostKeys struct {
	inner engine.Connector
	plan  *planfile.Plan // nil: record only
	mu    sync.Mutex
	seen  map[string]string
}

func (k *hostKeys) Connect(ctx context.Context, h *runbooks.InventoryHost) (steps.MutableHost, error) {
	mh, err := k.inner.Connect(ctx, h)
	if err != nil {
		return nil, err
	}
	fp := mh.Info().HostKeyFingerprint
	if k.plan != nil {
		if err := k.plan.CheckHostKey(h.Name, fp); err != nil {
			return nil, steps.Errorf(steps.ClassHostKey, "%v", err)
		}
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.seen == nil {
		k.seen = map[string]string{}
	}
	k.seen[h.Name] = fp
	return mh, nil
}

func (k *hostKeys) keys() map[string]string {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := map[string]string{}
	for n, f := range k.seen {
		out[n] = f
	}
	return out
}

// savePlan writes the saved plan of a successful plan run to o.out.
func (a *app) savePlan(o runOptions, req engine.Request, run *engine.Run, key planfile.Key, keys *hostKeys) error {
	if run.Failed() {
		fmt.Fprintf(a.stderr, "Error: the plan failed; no plan was saved to %s (nothing can be approved or applied from a failed plan).\n", views.Clean(o.out))
		return errSilent
	}
	p, err := planfile.New(key, planfile.Inputs{
		Runbook: req.Runbook, Inventory: req.Inventory, VarFiles: o.varFiles, VarArgs: o.vars, Vars: req.Vars,
		HostKeys: keys.keys(), Operator: operator(), Now: time.Now(), TTL: o.expires,
	}, run)
	if err != nil {
		return err
	}
	digest, err := planfile.Write(o.out, p)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "Saved the plan to %s (sha256 %s, expires %s). Apply exactly this plan with: mend apply %s\n",
		views.Clean(o.out), digest, p.ExpiresAt.Format(time.RFC3339), views.Clean(o.out))
	return nil
}

// applySaved executes a saved plan: every check that can be made before
// anything runs first (expiry, plan key, files, inputs, inventory, earlier
// use, host keys), then the apply, with the plan's expectations checked
// after every diagnose and before every repair.
func (a *app) applySaved(ctx context.Context, o runOptions, path string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.inventory != "" || len(o.varFiles) > 0 {
		return fmt.Errorf("a saved plan fixes its inventory and var files (-i and -var-file cannot be given with it): make a new plan to change them")
	}
	view, err := a.view(o)
	if err != nil {
		return err
	}
	p, raw, err := planfile.Read(path)
	if err != nil {
		return err
	}
	digest := planfile.Digest(raw)
	key, err := loadPlanKey(o.planKey, false)
	if err != nil {
		return err
	}
	// Apply gets the plan's own -var options, and only sensitive values
	// (never kept in the plan) from the command line.
	sensitive := map[string]bool{}
	for _, v := range p.Vars {
		if v.Sensitive {
			sensitive[v.Name] = true
		}
	}
	for _, kv := range o.vars {
		name, _, _ := strings.Cut(kv, "=")
		if !sensitive[name] {
			return fmt.Errorf("-var %s: a saved plan fixes its inputs; only sensitive ones (not kept in the plan) are given again: make a new plan to change var.%s", name, name)
		}
	}
	lo := o
	lo.vars = append(append([]string(nil), p.VarArgs...), o.vars...)
	lo.varFiles = nil
	for _, vf := range p.VarFiles {
		lo.varFiles = append(lo.varFiles, vf.Path)
	}
	if p.Inventory != nil {
		lo.inventory = p.Inventory.Path
	}
	if d := p.CheckFiles(key, time.Now()); len(d) > 0 {
		// Say what else differs too, when the files still load.
		if p.KeyID == key.ID() {
			if req, _, diags := a.load(lo, p.Runbook.Path); !diags.HasErrors() {
				d = append(d, p.CheckInputs(key, req.Runbook, req.Vars, req.Inventory)...)
			}
		}
		return d
	}
	req, files, diags := a.load(lo, p.Runbook.Path)
	printDiags(a.stderr, files, diags, colorFor(a.stderr, o.noColor))
	if diags.HasErrors() {
		return errSilent
	}
	if d := p.CheckInputs(key, req.Runbook, req.Vars, req.Inventory); len(d) > 0 {
		return d
	}
	logPath, err := auditPath(o.auditLog)
	if err != nil {
		return err
	}
	if err := planUsed(logPath, digest); err != nil {
		return err
	}
	arun, err := audit.BeginRun(ctx, logPath, audit.RunOptions{Operator: operator(), LockWait: o.auditLockWait})
	if err != nil {
		return fmt.Errorf("%v (nothing was run)", err)
	}
	defer arun.End()
	a.reportRecovered(arun)

	conn := newConnector(lo, req.Inventory)
	defer conn.Close()
	keys := &hostKeys{inner: conn, plan: p}
	if err := checkHostKeys(ctx, keys, p, req.Inventory); err != nil {
		return err
	}
	ap := a.approver(o, req.Runbook)
	ap.planSHA256 = digest
	ap.signed, err = verifySignatures(signatureFiles(path, o.signatures), raw, o.allowedSigners,
		func(w string) { fmt.Fprintf(a.stderr, "Warning: %s.\n", views.Clean(w)) })
	if err != nil {
		return err
	}
	for _, s := range ap.signed {
		fmt.Fprintf(a.stderr, "Signed approval of this plan: %s in %s.\n", views.Clean(s.String()), views.Clean(s.file))
	}
	ap.self = selfKeys(req.Inventory, nil)
	req.Approver = ap
	req.DigestKey, req.Expect, req.PlanSHA256 = key, p.Expectation(), digest
	eng := engine.New(engine.Options{
		Registry: builtin.Registry(), Connector: keys, Audit: arun,
		Hook: view.Hook(engine.ModeApply), Parallelism: o.parallelism, Operator: operator(), RunID: arun.ID(),
	})
	run, err := eng.Apply(ctx, req)
	if err != nil {
		return err
	}
	_ = view.Run(run) // a broken stdout must not hide the exit code
	if run.Failed() {
		a.code = exitError
	}
	return nil
}

// checkHostKeys reaches every host the plan reached, before anything runs,
// and refuses when one presents another key than in the plan.
func checkHostKeys(ctx context.Context, keys *hostKeys, p *planfile.Plan, inv *runbooks.Inventory) error {
	if inv == nil {
		return nil
	}
	var d planfile.Drift
	for _, ph := range p.Hosts {
		if ph.HostKey == "" {
			continue
		}
		hosts, err := inv.Resolve([]string{ph.Name})
		if err != nil || len(hosts) != 1 {
			d = append(d, fmt.Sprintf("host %s of the plan is not in the inventory", ph.Name))
			continue
		}
		if _, err := keys.Connect(ctx, hosts[0]); err != nil {
			d = append(d, err.Error())
		}
	}
	if len(d) > 0 {
		return d
	}
	return nil
}

// planUsed refuses a plan the audit log shows was applied before: a run
// of it that started a repair. A run refused before any repair (a gate not
// yet approved, a drift) does not use the plan up.
func planUsed(logPath, digest string) error {
	recs, err := audit.ReadAll(logPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil && len(recs) == 0 {
		return fmt.Errorf("cannot tell whether this plan was applied before: %v (nothing was run)", err)
	}
	starts := map[string]audit.Record{}
	for _, r := range recs {
		if r.Event == audit.EventRunStart && r.Mode == audit.ModeApply && r.PlanSHA256 == digest {
			starts[r.RunID] = r
			continue
		}
		st, ok := starts[r.RunID]
		if ok && r.Event == audit.EventStepStart && strings.HasPrefix(r.Step, "repair.") {
			return fmt.Errorf("this plan was already applied: run %s started %s by %s ran %s (a saved plan is single-use: make a new plan)",
				st.RunID, st.Time.Format(time.RFC3339), st.Operator, r.Step)
		}
	}
	return nil
}
