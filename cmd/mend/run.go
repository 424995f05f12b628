package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"os/user"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/cmd/mend/views"
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps/builtin"
	"github.com/spf13/cobra"
)

// runOptions are the flags plan and apply share.
type runOptions struct {
	inventory        string
	vars             []string
	varFiles         []string
	format           string
	auditLog         string
	knownHosts       string
	sshConfig        string
	acceptNew        bool
	useAgent         bool
	parallelism      int
	connectTimeout   time.Duration
	noColor          bool
	detailedExitcode bool     // plan
	approve          []string // apply
}

func (o *runOptions) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&o.inventory, "inventory", "i", "", "inventory file (hosts and groups)")
	f.StringArrayVar(&o.vars, "var", nil, "set a variable: NAME=VALUE (repeatable)")
	f.StringArrayVar(&o.varFiles, "var-file", nil, "read variables from an HCL file (repeatable)")
	f.StringVar(&o.format, "format", "text", "output format: text, markdown or json")
	f.StringVar(&o.auditLog, "audit-log", "", "audit log file (default $XDG_STATE_HOME/mend/audit.jsonl, else ~/.local/state/mend/audit.jsonl)")
	f.StringVar(&o.knownHosts, "known-hosts", "", "known_hosts file (default: the inventory's, else ~/.ssh/known_hosts)")
	f.StringVar(&o.sshConfig, "ssh-config", "", "OpenSSH client config for host aliases (default: the inventory's, else ~/.ssh/config; \"none\" disables)")
	f.BoolVar(&o.acceptNew, "accept-new-host-key", false, "accept and record keys of hosts not in known_hosts (never a changed key); recorded in the audit log")
	f.BoolVar(&o.useAgent, "agent", os.Getenv("SSH_AUTH_SOCK") != "", "offer ssh-agent keys")
	f.IntVar(&o.parallelism, "parallelism", engine.DefaultParallelism, "hosts a step runs on at once")
	f.DurationVar(&o.connectTimeout, "connect-timeout", 10*time.Second, "deadline for TCP connect, SSH handshake and authentication")
	f.BoolVar(&o.noColor, "no-color", false, "never colour the output")
}

func (a *app) planCommand() *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "plan -i INVENTORY RUNBOOK",
		Short: "Run the diagnoses and show what each repair would do, changing nothing",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.run(cmd.Context(), engine.ModePlan, o, args[0])
		},
	}
	o.register(cmd)
	cmd.Flags().BoolVar(&o.detailedExitcode, "detailed-exitcode", false, "exit 0: nothing to do, 2: repairs pending, 1: error")
	return cmd
}

func (a *app) applyCommand() *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "apply -i INVENTORY RUNBOOK [--approve ADDRESS]...",
		Short: "Run the runbook: diagnoses, then repairs, stopping at approval gates",
		Long: "apply stops before every repair with an approval block. On a terminal the operator types the " +
			"repair's name to approve it; otherwise the repair runs only if --approve names its address " +
			"(e.g. --approve repair.file.install_ca). There is no flag that skips all gates.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.run(cmd.Context(), engine.ModeApply, o, args[0])
		},
	}
	o.register(cmd)
	cmd.Flags().StringArrayVar(&o.approve, "approve", nil, "approve the gate of this repair address (repeatable)")
	return cmd
}

// run loads everything, checks it, runs the engine and renders the result.
func (a *app) run(ctx context.Context, mode engine.Mode, o runOptions, path string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	color := colorFor(a.stdout, o.noColor)
	if o.format != "text" && o.format != "markdown" && o.format != "json" {
		return fmt.Errorf("unknown -format %q: use text, markdown or json", o.format)
	}
	req, files, diags := a.load(o, path)
	printDiags(a.stderr, files, diags, colorFor(a.stderr, o.noColor))
	if diags.HasErrors() {
		return errSilent
	}
	if err := checkApprovals(req.Runbook, o.approve); err != nil {
		return err
	}
	logPath, err := auditPath(o.auditLog)
	if err != nil {
		return err
	}
	log, err := audit.Open(logPath)
	if err != nil {
		return fmt.Errorf("audit log: %v (nothing was run)", err)
	}
	defer log.Close()
	if err := a.reportUnfinished(log, logPath); err != nil {
		return err
	}

	conn := newConnector(o, req.Inventory)
	defer conn.Close()
	eng := engine.New(engine.Options{
		Registry: builtin.Registry(), Connector: conn, Audit: log,
		Hook: a.progressHook(mode, o), Parallelism: o.parallelism, Operator: operator(),
	})
	var run *engine.Run
	if mode == engine.ModePlan {
		run, err = eng.Plan(ctx, req)
	} else {
		req.Approver = a.approver(o, req.Runbook)
		run, err = eng.Apply(ctx, req)
	}
	if err != nil {
		return err
	}
	a.render(run, o, color)
	switch {
	case run.Failed():
		a.code = exitError
	case mode == engine.ModePlan && o.detailedExitcode && run.Pending():
		a.code = exitPending
	}
	return nil
}

func (a *app) render(run *engine.Run, o runOptions, color bool) {
	switch o.format {
	case "json":
		_ = views.JSON{W: a.stdout}.Run(run)
	case "markdown":
		views.Markdown{W: a.stdout}.Run(run)
	default:
		views.Text{W: a.stdout, Color: color}.Run(run)
	}
}

// load reads the runbook, the inventory and the variables; every problem
// comes back as a diagnostic.
func (a *app) load(o runOptions, path string) (engine.Request, map[string]*hcl.File, hcl.Diagnostics) {
	var req engine.Request
	rb, diags := runbooks.LoadFile(path, builtin.Registry())
	if rb == nil || diags.HasErrors() {
		var files map[string]*hcl.File
		if rb != nil {
			files = rb.Files
		}
		return req, files, diags
	}
	req.Runbook = rb
	raw := map[string]string{}
	for _, kv := range o.vars {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid -var option",
				Detail: fmt.Sprintf("The option -var %q is not of the form NAME=VALUE.", kv)})
			continue
		}
		raw[k] = v
	}
	vars, vdiags := rb.EvalVariables(raw, o.varFiles) // adds the var files to rb.Files
	diags = append(diags, collapseUndeclared(vdiags)...)
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
	return req, files, diags
}

// collapseUndeclared keeps the first "Value for undeclared variable"
// warning and folds the others into its detail, as Terraform does: a
// shared var file (the lab's) legitimately holds values other runbooks use.
func collapseUndeclared(diags hcl.Diagnostics) hcl.Diagnostics {
	var out hcl.Diagnostics
	var first *hcl.Diagnostic
	var others []string
	for _, d := range diags {
		if d.Severity != hcl.DiagWarning || d.Summary != "Value for undeclared variable" {
			out = append(out, d)
			continue
		}
		if first == nil {
			c := *d
			first = &c
			out = append(out, first)
			continue
		}
		others = append(others, d.Detail)
	}
	if len(others) > 0 {
		first.Detail += fmt.Sprintf(" %d more values in the same files are for variables this runbook does not declare either.", len(others))
	}
	return out
}

// checkApprovals refuses --approve addresses that name no gated repair, so
// a typo cannot silently leave a gate closed (or look approved).
func checkApprovals(rb *runbooks.Runbook, approve []string) error {
	gated := map[string]bool{}
	var names []string
	for _, st := range rb.Steps {
		if st.Approval != nil {
			gated[st.Address()] = true
			names = append(names, st.Address())
		}
	}
	sort.Strings(names)
	for _, addr := range approve {
		if !gated[addr] {
			return fmt.Errorf("--approve %s: no repair with an approval block has that address; gated repairs: %s",
				addr, strings.Join(names, ", "))
		}
	}
	return nil
}

// reportUnfinished reports intents without an outcome left by an earlier
// run that died mid-step: their outcome is unknown and a human must look.
// Each is then closed with an outcome-unknown record naming this run, so it
// is reported once, and the log says who noticed.
func (a *app) reportUnfinished(log *audit.Log, path string) error {
	recs, err := audit.ReadAll(path)
	if err != nil {
		return fmt.Errorf("audit log: %v (nothing was run)", err)
	}
	for _, r := range audit.Unfinished(recs) {
		fmt.Fprintf(a.stderr, "Warning: run %s started %s on %s at %s and never recorded an outcome: outcome unknown; check the host.\n",
			r.RunID, r.Step, r.Host, r.Time.Format(time.RFC3339))
		closing := audit.Record{Event: audit.EventStepFinish, RunID: r.RunID, Mode: r.Mode, Step: r.Step, Host: r.Host,
			Outcome: audit.OutcomeUnknown, Operator: operator(),
			Reason: "no outcome was recorded (crash or lost connection); reported by a later run"}
		if _, err := log.Append(closing); err != nil {
			return fmt.Errorf("audit log: %v (nothing was run)", err)
		}
	}
	return nil
}

// auditPath is the --audit-log flag, or the documented default.
func auditPath(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	return audit.DefaultPath()
}

func operator() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return fmt.Sprintf("uid %d", os.Getuid())
}
