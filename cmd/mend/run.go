package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"os/user"
	"strings"
	"syscall"
	"time"

	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/cmd/mend/views"
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/planfile"
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
	auditLockWait    time.Duration
	auditSyslog      string
	knownHosts       string
	sshConfig        string
	acceptNew        bool
	useAgent         bool
	parallelism      int
	maxConnections   int
	connectTimeout   time.Duration
	noColor          bool
	detailedExitcode bool          // plan
	approve          []string      // apply
	out              string        // plan -out: save the plan
	expires          time.Duration // plan -expires
	planKey          string        // key of saved plans' digests
	signatures       []string      // apply PLANFILE: signed approvals
	allowedSigners   string        // apply PLANFILE: allowed_signers
	resume           string        // apply --resume RUN
	rerunUnknown     bool          // apply --resume: run repairs of unknown outcome again
	skipUnknown      []string      // apply --resume: count these repairs of unknown outcome as done
	breakLock        bool          // apply: break another run's host locks
}

func (o *runOptions) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&o.inventory, "inventory", "i", "", "inventory file (hosts and groups)")
	f.StringArrayVar(&o.vars, "var", nil, "set a variable: NAME=VALUE (repeatable)")
	f.StringArrayVar(&o.varFiles, "var-file", nil, "read variables from an HCL file (repeatable)")
	f.StringVar(&o.format, "format", "text", "output format: "+strings.Join(views.Formats, ", "))
	f.StringVar(&o.auditLog, "audit-log", "", "audit log file (default $XDG_STATE_HOME/mend/audit.jsonl, else ~/.local/state/mend/audit.jsonl)")
	f.DurationVar(&o.auditLockWait, "audit-lock-wait", audit.DefaultLockWait, "how long to wait for another process that holds the audit log's lock (Ctrl-C stops waiting)")
	f.StringVar(&o.auditSyslog, "audit-syslog", "", "also send every audit record to syslog: local (the local daemon's socket; journald reads it), unix:///path, udp://host:port or tcp://host:port; a run does not start when it cannot be reached")
	f.StringVar(&o.knownHosts, "known-hosts", "", "known_hosts file (default: the inventory's, else ~/.ssh/known_hosts)")
	f.StringVar(&o.sshConfig, "ssh-config", "", "OpenSSH client config for host aliases (default: the inventory's, else ~/.ssh/config; \"none\" disables)")
	f.BoolVar(&o.acceptNew, "accept-new-host-key", false, "accept and record keys of hosts not in known_hosts (never a changed key); recorded in the audit log")
	f.BoolVar(&o.useAgent, "agent", os.Getenv("SSH_AUTH_SOCK") != "", "offer ssh-agent keys")
	f.IntVar(&o.parallelism, "parallelism", engine.DefaultParallelism, "hosts a step runs on at once")
	f.IntVar(&o.maxConnections, "max-connections", 0, "most SSH connections to hosts open at once (0: no cap); at the cap an idle one is closed for a new one, or the new one waits")
	f.DurationVar(&o.connectTimeout, "connect-timeout", 10*time.Second, "deadline for TCP connect, SSH handshake and authentication")
	f.BoolVar(&o.noColor, "no-color", false, "never colour the output")
	f.StringVar(&o.planKey, "plan-key", "", "key of a saved plan's digests of secrets (default: plan.key beside the default audit log, made on first use)")
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
	cmd.Flags().StringVar(&o.out, "out", "", "save the plan to this file, for review, approval and mend apply FILE")
	cmd.Flags().DurationVar(&o.expires, "expires", planfile.DefaultTTL, "how long a saved plan can be applied")
	return cmd
}

func (a *app) applyCommand() *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "apply -i INVENTORY RUNBOOK [--approve ADDRESS]... | apply PLANFILE",
		Short: "Run the runbook: diagnoses, then repairs, stopping at approval gates",
		Long: "apply stops before every repair with an approval block. On a terminal the operator types the " +
			"repair's name to approve it; otherwise the repair runs only if --approve names its address " +
			"(e.g. --approve repair.file.install_ca). There is no flag that skips all gates.\n\n" +
			"apply PLANFILE executes a plan saved with plan -out, exactly: it refuses when the runbook, inputs, " +
			"inventory or a host key changed, when a diagnose returns something else or a repair's preview is not " +
			"the one reviewed, when the plan expired, and when it was applied before.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.run(cmd.Context(), engine.ModeApply, o, args[0])
		},
	}
	o.register(cmd)
	cmd.Flags().StringArrayVar(&o.approve, "approve", nil, "approve the gate of this repair address (repeatable)")
	cmd.Flags().StringArrayVar(&o.signatures, "signature", nil, "a signed approval of PLANFILE (repeatable; PLANFILE.sig and PLANFILE.*.sig are read too)")
	cmd.Flags().StringVar(&o.resume, "resume", "", "continue run RUN of the audit log, which died: skip the repairs it finished on each host (diagnoses run again)")
	cmd.Flags().BoolVar(&o.rerunUnknown, "rerun-unknown", false, "with --resume: run again the repairs whose outcome RUN left unknown (after the diagnoses before them)")
	cmd.Flags().StringArrayVar(&o.skipUnknown, "skip-unknown", nil, "with --resume: count the repairs at this address whose outcome RUN left unknown as done, without running them (repeatable)")
	cmd.Flags().BoolVar(&o.breakLock, "break-lock", false, "break the lock another run holds on a target host (one that died holding it); audited")
	cmd.Flags().StringVar(&o.allowedSigners, "allowed-signers", "", "OpenSSH allowed_signers file the approvals are checked against (default $XDG_CONFIG_HOME/mend/allowed_signers, else ~/.config/mend/allowed_signers)")
	return cmd
}

// run loads everything, checks it, runs the engine and renders the result.
func (a *app) run(ctx context.Context, mode engine.Mode, o runOptions, path string) error {
	if mode == engine.ModeApply && planfile.LooksLikePlan(path) {
		return a.applySaved(ctx, o, path)
	}
	if o.resume == "" && (o.rerunUnknown || len(o.skipUnknown) > 0) {
		return fmt.Errorf("--rerun-unknown and --skip-unknown decide about a run being resumed: give --resume RUN too")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	view, err := a.view(o)
	if err != nil {
		return err
	}
	locks, err := hostLocks()
	if err != nil {
		return err
	}
	req, files, diags := a.load(o, path)
	printDiags(a.stderr, files, diags, colorFor(a.stderr, o.noColor))
	if diags.HasErrors() {
		return errSilent
	}
	logPath, err := auditPath(o.auditLog)
	if err != nil {
		return err
	}
	if mode == engine.ModeApply {
		if err := a.prepareResume(o, logPath, &req); err != nil {
			return err
		}
	}
	arun, endAudit, err := a.beginAudit(ctx, o, logPath)
	if err != nil {
		return err
	}
	defer endAudit()

	conn := newConnector(o, req.Inventory)
	defer conn.Close()
	keys := &planfile.HostKeys{Inner: conn}
	var key planfile.Key
	if o.out != "" {
		if key, err = loadPlanKey(o.planKey, true); err != nil {
			return err
		}
		req.DigestKey = key
	}
	eng := engine.New(engine.Options{
		Registry: builtin.Registry(), Connector: keys, Audit: arun,
		Hook: view.Hook(mode), Parallelism: o.parallelism, MaxConnections: o.maxConnections, Operator: operator(), RunID: arun.ID(), HostLocks: locks,
	})
	req.BreakLock = o.breakLock
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
	_ = view.Run(run) // a broken stdout must not hide the exit code
	if o.out != "" {
		if err := a.savePlan(o, req, run, key, keys); err != nil {
			return err
		}
	}
	switch {
	case run.Failed():
		a.code = exitError
	case mode == engine.ModePlan && o.detailedExitcode && run.Pending():
		a.code = exitPending
	}
	return nil
}

// view is the output for o.format; the CLI picks it once, here.
func (a *app) view(o runOptions) (views.View, error) {
	return views.New(o.format, views.Options{Out: a.stdout, Progress: a.stderr, Color: colorFor(a.stdout, o.noColor)})
}

func operator() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return fmt.Sprintf("uid %d", os.Getuid())
}
