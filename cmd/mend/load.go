package main

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/cmd/mend/views"
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps/builtin"
	"github.com/zclconf/go-cty/cty"
)

// load reads the runbook, the variables and the inventory, and runs the
// engine's preflight over them; every problem comes back as a diagnostic.
func (a *app) load(o runOptions, path string) (engine.Request, map[string]*hcl.File, hcl.Diagnostics) {
	var req engine.Request
	if d := checkInputs(path, o); d.HasErrors() {
		return req, nil, d
	}
	rb, diags := runbooks.LoadFile(path)
	if rb == nil {
		return req, nil, diags
	}
	if diags.HasErrors() {
		return req, rb.Files, append(diags, engine.Validate(rb, builtin.Registry())...)
	}
	req.Runbook = rb
	vars, vdiags := evalVars(rb, o.vars, o.varFiles)
	diags = append(diags, vdiags...)
	req.Vars = vars
	files := rb.Files
	if o.inventory != "" {
		inv, idiags := runbooks.LoadInventoryFile(o.inventory)
		diags = append(diags, idiags...)
		if inv != nil {
			files = mergeFiles(files, inv.Files)
			req.Inventory = inv
		}
	}
	return req, files, append(diags, preflight(req, diags, engine.PreflightOptions{Approve: o.approve})...)
}

// preflight runs the engine's preflight, or only its static checks when
// the variables or the inventory could not be read (the rest would be
// noise).
func preflight(req engine.Request, loaded hcl.Diagnostics, o engine.PreflightOptions) hcl.Diagnostics {
	if loaded.HasErrors() {
		return engine.Validate(req.Runbook, builtin.Registry())
	}
	return engine.Preflight(req, builtin.Registry(), o)
}

// evalVars evaluates the runbook's variables from -var options and
// -var-file files (runbooks.EvalVarOptions).
func evalVars(rb *runbooks.Runbook, opts, files []string) (map[string]cty.Value, hcl.Diagnostics) {
	return rb.EvalVarOptions(opts, files)
}

// reportRecovered says what audit.BeginRun found left by earlier runs:
// intents of runs that died mid-step (their outcome is unknown and a human
// must look; the log now records who noticed) and what it put right.
func (a *app) reportRecovered(run *audit.Run) {
	for _, n := range run.Notices {
		fmt.Fprintf(a.stderr, "Note: %s.\n", views.Clean(n))
	}
	for _, r := range run.Recovered {
		fmt.Fprintf(a.stderr, "Warning: run %s started %s on %s at %s and never recorded an outcome: outcome unknown; check the host.\n",
			views.Clean(r.RunID), views.Clean(r.Step), views.Clean(r.Host), r.Time.Format(time.RFC3339))
	}
}

// beginAudit opens the audit log for one run (audit.BeginRun), mirrored
// to syslog when --audit-syslog names a target, and reports what earlier
// runs left. end closes the run and warns about records the mirror could
// not send (the log notes them too).
func (a *app) beginAudit(ctx context.Context, o runOptions, logPath string) (run *audit.Run, end func(), err error) {
	opts := audit.RunOptions{Operator: operator(), LockWait: o.auditLockWait}
	if o.auditSyslog != "" {
		target, err := audit.ParseSyslogTarget(o.auditSyslog)
		if err != nil {
			return nil, nil, fmt.Errorf("%v (nothing was run)", err)
		}
		if opts.Syslog, err = audit.DialSyslog(target); err != nil {
			return nil, nil, fmt.Errorf("%v (nothing was run)", err)
		}
	}
	run, err = audit.BeginRun(ctx, logPath, opts)
	if err != nil {
		if opts.Syslog != nil {
			opts.Syslog.Close()
		}
		return nil, nil, fmt.Errorf("%v (nothing was run)", err)
	}
	a.reportRecovered(run)
	end = func() {
		if rep := run.CloseSyslog(); rep.Lost > 0 {
			fmt.Fprintf(a.stderr, "Warning: %d audit record(s) were not mirrored to syslog %s (%s); the audit log has them all and notes the gap.\n",
				rep.Lost, views.Clean(rep.Target), views.Clean(fmt.Sprint(rep.Err)))
		}
		_ = run.End()
	}
	return run, end, nil
}

// auditPath is the --audit-log flag, or the documented default.
func auditPath(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	return audit.DefaultPath()
}

// checkInputs refuses non-regular, oversized and too deeply nested
// input files before any is parsed (runbooks.CheckInputs).
func checkInputs(path string, o runOptions) hcl.Diagnostics {
	return runbooks.CheckInputs(path, o.varFiles, o.inventory)
}

// gatedRepairs lists the addresses of the repairs with an approval block,
// in source order.
func gatedRepairs(rb *runbooks.Runbook) []string {
	var out []string
	for _, st := range rb.Steps {
		if st.Approval != nil {
			out = append(out, st.Address())
		}
	}
	return out
}
