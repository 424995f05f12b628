package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/mend-sh/mend/approval"
	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/cmd/mend/views"
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/planfile"
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

// savePlan writes the saved plan of a successful plan run to o.out.
func (a *app) savePlan(o runOptions, req engine.Request, run *engine.Run, key planfile.Key, keys *planfile.HostKeys) error {
	if run.Failed() {
		fmt.Fprintf(a.stderr, "Error: the plan failed; no plan was saved to %s (nothing can be approved or applied from a failed plan).\n", views.Clean(o.out))
		return errSilent
	}
	p, err := planfile.New(key, planfile.Inputs{
		Runbook: req.Runbook, Inventory: req.Inventory, VarFiles: o.varFiles, VarArgs: o.vars, Vars: req.Vars,
		HostKeys: keys.Seen(), Operator: operator(), Now: time.Now(), TTL: o.expires,
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
	if o.resume == "" && (o.rerunUnknown || len(o.skipUnknown) > 0) {
		return fmt.Errorf("--rerun-unknown and --skip-unknown decide about a run being resumed: give --resume RUN too")
	}
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
	lo := o
	if lo.vars, err = p.ApplyVarArgs(o.vars); err != nil {
		return err
	}
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
	req.PlanSHA256 = digest
	if err := a.prepareResume(o, logPath, &req); err != nil {
		return err
	}
	if o.resume == "" {
		if err := audit.PlanApplied(logPath, digest); err != nil {
			return err
		}
	}
	arun, endAudit, err := a.beginAudit(ctx, o, logPath)
	if err != nil {
		return err
	}
	defer endAudit()

	conn := newConnector(lo, req.Inventory)
	defer conn.Close()
	keys := &planfile.HostKeys{Inner: conn, Plan: p}
	if err := keys.CheckAll(ctx, req.Inventory); err != nil {
		return err
	}
	ap := a.approver(o, req.Runbook)
	ap.signed.PlanSHA256 = digest
	ap.signed.Signatures, err = approval.Verify(approval.Files(path, o.signatures), raw, o.allowedSigners, time.Now(),
		func(w string) { fmt.Fprintf(a.stderr, "Warning: %s.\n", views.Clean(w)) })
	if err != nil {
		return err
	}
	for _, s := range ap.signed.Signatures {
		fmt.Fprintf(a.stderr, "Signed approval of this plan: %s in %s.\n", views.Clean(s.String()), views.Clean(s.File))
	}
	ap.signed.Self = approval.SelfKeys(req.Inventory, nil)
	req.Approver = ap
	req.DigestKey, req.Expect, req.PlanSHA256, req.BreakLock = key, p.Expectation(), digest, o.breakLock
	locks, err := hostLocks()
	if err != nil {
		return err
	}
	eng := engine.New(engine.Options{
		Registry: builtin.Registry(), Connector: keys, Audit: arun, HostLocks: locks,
		Hook: view.Hook(engine.ModeApply), Parallelism: o.parallelism, MaxConnections: o.maxConnections, Operator: operator(), RunID: arun.ID(),
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
