package main

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/mend-sh/mend/cmd/mend/views"
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps/builtin"
	"github.com/spf13/cobra"
)

type showOptions struct {
	run     runOptions
	format  string
	noColor bool
}

func (a *app) showCommand() *cobra.Command {
	var o showOptions
	cmd := &cobra.Command{
		Use:   "show [-i INVENTORY] [-var NAME=VALUE]... [-var-file FILE]... [-format text|markdown] RUNBOOK",
		Short: "Show what a runbook would do, without reaching any host",
		Long: "show renders what a runbook would do for a reviewer, offline: its steps in order, the hosts each " +
			"targets (resolved from the inventory with -i), the gates and who must approve them, what each step " +
			"changes in general terms, and the runbook's descriptions and comments as prose. It connects to no " +
			"host: values only a run knows (step results, host facts, variables not given) are shown as written " +
			"and marked as known at run time. -format markdown is for a pull-request comment.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.show(o, args[0])
		},
	}
	cmd.Flags().StringVarP(&o.run.inventory, "inventory", "i", "", "resolve targets against this inventory file")
	cmd.Flags().StringArrayVar(&o.run.vars, "var", nil, "set a variable: NAME=VALUE (repeatable)")
	cmd.Flags().StringArrayVar(&o.run.varFiles, "var-file", nil, "read variables from an HCL file (repeatable)")
	cmd.Flags().StringVar(&o.format, "format", "text", "output format: "+strings.Join(views.ShowFormats, " or "))
	cmd.Flags().BoolVar(&o.noColor, "no-color", false, "never colour diagnostics")
	return cmd
}

// show loads and checks the runbook as validate does (variables without
// a value stay unknown), then renders its engine.Outline.
func (a *app) show(o showOptions, path string) error {
	if o.format != "text" && o.format != "markdown" {
		return fmt.Errorf("unknown -format %q: use text or markdown", o.format)
	}
	req, files, diags := a.loadOffline(o.run, path)
	printDiags(a.stderr, files, diags, colorFor(a.stderr, o.noColor))
	if diags.HasErrors() {
		return errSilent
	}
	return views.Show(a.stdout, o.format, engine.NewOutline(req, builtin.Registry()))
}

// loadOffline is load for a command that runs nothing: a variable without
// a value is not an error (it stays unknown), and an inventory is optional.
func (a *app) loadOffline(o runOptions, path string) (engine.Request, map[string]*hcl.File, hcl.Diagnostics) {
	var req engine.Request
	if d := checkInputs(path, o); d.HasErrors() {
		return req, nil, d
	}
	rb, diags := runbooks.LoadFile(path)
	if rb == nil || diags.HasErrors() {
		if rb != nil {
			return req, rb.Files, append(diags, engine.Validate(rb, builtin.Registry())...)
		}
		return req, nil, diags
	}
	req.Runbook = rb
	vars, vdiags := evalVars(rb, o.vars, o.varFiles)
	vdiags = withoutMissingValues(vdiags)
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
	return req, files, append(diags, preflight(req, diags, engine.PreflightOptions{InventoryOptional: true})...)
}
