package puppet

import (
	"context"
	"fmt"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/mend-sh/mend/steps"
)

// DefaultNoopCommand is how puppet_noop runs puppet.
const DefaultNoopCommand = "puppet agent --test --noop --color=false"

// NoopConfig is the arguments of a puppet_noop block.
type NoopConfig struct {
	// Command runs puppet in noop mode; default DefaultNoopCommand. A
	// masterless host uses its `puppet apply --noop` wrapper. The command
	// must print puppet's Notice lines (the default log destination does).
	Command string `hcl:"command,optional"`
	// Paths are the files whose fate the runbook cares about: a path is
	// reported when a File resource titled with it, or with a path under
	// it, would change. A File titled otherwise cannot be matched, so it
	// makes the result unclean (see Output).
	Paths []string `hcl:"paths,optional"`
	// SummaryFile is the host's last_run_summary.yaml (`puppet config
	// print lastrunfile`), read after the run for resources.out_of_sync:
	// with --noop the exit code is 0 even when resources are out of sync.
	SummaryFile string `hcl:"summary_file,optional"`
}

// Noop is the puppet_noop diagnose type. Its zero value is ready to use.
type Noop struct{}

var (
	_ steps.Diagnoser = Noop{}
	_ steps.Validator = Noop{}
)

// Name returns "puppet_noop".
func (Noop) Name() string { return "puppet_noop" }

// NewConfig returns a zero *NoopConfig.
func (Noop) NewConfig() any { return &NoopConfig{} }

// ShellArgs: command runs as shell code (steps.ShellCoder).
func (Noop) ShellArgs() []string { return []string{"command"} }

// Output is puppet_noop's result:
//
//	would_change  the watched paths puppet would change, in paths order
//	clean         no watched path would change; without paths, nothing at
//	              all would change. False, to be safe, when the summary
//	              counts out-of-sync resources but the output names none,
//	              or when a File resource whose title is not a path
//	              (file { 'etcd-ca': path => ... }) would change: its
//	              path is not in puppet's output
//	resources     every resource with pending (noop) events, "File[/x]"
//	out_of_sync   resources.out_of_sync from summary_file; null without
//	              summary_file, or when the run did not rewrite it
//	exit_code     puppet's exit code
func (Noop) Output() cty.Type {
	return cty.Object(map[string]cty.Type{
		"would_change": cty.List(cty.String),
		"clean":        cty.Bool,
		"resources":    cty.List(cty.String),
		"out_of_sync":  cty.Number,
		"exit_code":    cty.Number,
	})
}

// ValidateConfig checks that paths and summary_file are absolute.
func (Noop) ValidateConfig(config any) error {
	c, err := steps.ConfigAs[*NoopConfig](config)
	if err != nil {
		return err
	}
	for _, p := range c.Paths {
		if !strings.HasPrefix(p, "/") {
			return steps.Errorf(steps.ClassConfig, "puppet_noop: path %q is not absolute", p)
		}
	}
	if c.SummaryFile != "" && !strings.HasPrefix(c.SummaryFile, "/") {
		return steps.Errorf(steps.ClassConfig, "puppet_noop: summary_file %q is not absolute", c.SummaryFile)
	}
	return nil
}

// Diagnose runs puppet in noop mode and reports which watched paths it
// would change. Exit codes 0 and 2 succeed; any other, a run skipped
// because the agent is disabled, or failed resources in the summary are
// errors: such a run cannot vouch for the paths.
func (n Noop) Diagnose(ctx context.Context, req steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	c, err := steps.ConfigAs[*NoopConfig](req.Config)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	if err := n.ValidateConfig(c); err != nil {
		return steps.DiagnoseResponse{}, err
	}
	if req.Host == nil {
		return steps.DiagnoseResponse{}, errNoHost("puppet_noop")
	}
	command := c.Command
	if command == "" {
		command = DefaultNoopCommand
	}
	before, err := readSummary(ctx, req.Host, c.SummaryFile)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	o, err := runPuppet(ctx, req.Host, command)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	if o.exitCode != 0 && o.exitCode != 2 {
		return steps.DiagnoseResponse{Details: o.details()}, o.failure()
	}
	after, err := readSummary(ctx, req.Host, c.SummaryFile)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	r := judgeNoop(c.Paths, events(o.lines), before, after)
	if r.failed > 0 {
		return steps.DiagnoseResponse{Details: o.details()}, steps.Errorf(steps.ClassStep,
			"puppet: %s: %d resources failed (%s), so the run cannot tell what would change", command, r.failed, c.SummaryFile)
	}
	return r.response(o), nil
}

func errNoHost(step string) error {
	return steps.Errorf(steps.ClassConfig, "%s: needs a host (set on)", step)
}

// summary is last_run_summary.yaml's numbers, if read.
type summary struct {
	read bool
	vals map[string]float64
}

// readSummary reads the summary file; a missing file or no path gives
// an unread summary.
func readSummary(ctx context.Context, h steps.Host, path string) (summary, error) {
	if path == "" {
		return summary{}, nil
	}
	f, err := h.ReadFile(ctx, path)
	if err != nil {
		return summary{}, fmt.Errorf("puppet: read summary_file %s: %w", path, err)
	}
	if !f.Exists {
		return summary{}, nil
	}
	return summary{read: true, vals: parseSummary(f.Content)}, nil
}

// fresh reports whether after was written by this run: it exists and its
// time.last_run differs from before's.
func (after summary) fresh(before summary) bool {
	return after.read && (!before.read || after.vals["time.last_run"] != before.vals["time.last_run"])
}
