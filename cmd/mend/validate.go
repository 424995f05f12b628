package main

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps/builtin"
	"github.com/spf13/cobra"
)

type validateOptions struct {
	inventory string
	vars      []string
	varFiles  []string
	noColor   bool
}

func (a *app) validateCommand() *cobra.Command {
	var o validateOptions
	cmd := &cobra.Command{
		Use:   "validate [-i INVENTORY] [-var NAME=VALUE]... [-var-file FILE]... RUNBOOK...",
		Short: "Check runbooks offline: syntax, step types, arguments, types, references, gates",
		Long: "validate checks runbooks without touching any host: syntax, step types, every argument whose value is " +
			"known before a run (constants, variables), types, references and gates. With -var and -var-file it also " +
			"checks the variables' validations and the arguments that use them; with -i, the hosts and groups that " +
			"steps name. A variable without a value is left unknown: what depends on it is checked at plan time.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.validate(o, args)
		},
	}
	cmd.Flags().StringVarP(&o.inventory, "inventory", "i", "", "also check this inventory file, and the targets of steps against it")
	cmd.Flags().StringArrayVar(&o.vars, "var", nil, "set a variable: NAME=VALUE (repeatable)")
	cmd.Flags().StringArrayVar(&o.varFiles, "var-file", nil, "read variables from an HCL file (repeatable)")
	cmd.Flags().BoolVar(&o.noColor, "no-color", false, "never colour the output")
	return cmd
}

func (a *app) validate(o validateOptions, paths []string) error {
	color := colorFor(a.stderr, o.noColor)
	failed := false
	var inv *runbooks.Inventory
	if o.inventory != "" {
		var diags hcl.Diagnostics
		diags = hcl.Diagnostics{runbooks.CheckInputFile(o.inventory, "inventory")}
		if diags[0] == nil {
			inv, diags = runbooks.LoadInventoryFile(o.inventory)
		}
		var files map[string]*hcl.File
		if inv != nil {
			files = inv.Files
		}
		printDiags(a.stderr, files, diags, color)
		if diags.HasErrors() {
			failed, inv = true, nil
		} else {
			fmt.Fprintf(a.stdout, "%s: valid (%d hosts)\n", o.inventory, len(inv.Hosts))
		}
	}
	for _, p := range paths {
		if d := checkInputs(p, runOptions{}); d.HasErrors() {
			printDiags(a.stderr, nil, d, color)
			failed = true
			continue
		}
		if d := runbooks.CheckInputFile(p, "runbook"); d != nil {
			printDiags(a.stderr, nil, hcl.Diagnostics{d}, color)
			failed = true
			continue
		}
		rb, diags := runbooks.LoadFile(p)
		var files map[string]*hcl.File
		switch {
		case rb != nil && diags.HasErrors():
			diags = append(diags, engine.Validate(rb, builtin.Registry())...)
		case rb != nil:
			vars, vdiags := evalVars(rb, o.vars, o.varFiles)
			vdiags = withoutMissingValues(vdiags)
			diags = append(diags, vdiags...)
			req := engine.Request{Runbook: rb, Vars: vars, Inventory: inv}
			diags = append(diags, preflight(req, vdiags, engine.PreflightOptions{InventoryOptional: true})...)
		}
		if rb != nil {
			files = mergeFiles(rb.Files)
			if inv != nil {
				files = mergeFiles(rb.Files, inv.Files)
			}
		}
		printDiags(a.stderr, files, diags, color)
		if diags.HasErrors() {
			failed = true
			continue
		}
		fmt.Fprintf(a.stdout, "%s: valid (%d variables, %d steps)\n", p, len(rb.Variables), len(rb.Steps))
	}
	if failed {
		return errSilent
	}
	return nil
}

// withoutMissingValues drops "no value for required variable": validate
// is offline, values may come at plan time (the variable stays unknown).
func withoutMissingValues(diags hcl.Diagnostics) hcl.Diagnostics {
	var out hcl.Diagnostics
	for _, d := range diags {
		if d.Summary != "No value for required variable" {
			out = append(out, d)
		}
	}
	return out
}
