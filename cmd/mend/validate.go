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
	noColor   bool
}

func (a *app) validateCommand() *cobra.Command {
	var o validateOptions
	cmd := &cobra.Command{
		Use:   "validate [-i INVENTORY] RUNBOOK...",
		Short: "Check runbooks offline: syntax, step types, arguments, types, references, gates",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.validate(o, args)
		},
	}
	cmd.Flags().StringVarP(&o.inventory, "inventory", "i", "", "also check this inventory file")
	cmd.Flags().BoolVar(&o.noColor, "no-color", false, "never colour the output")
	return cmd
}

func (a *app) validate(o validateOptions, paths []string) error {
	reg := builtin.Registry()
	color := colorFor(a.stderr, o.noColor)
	failed := false
	var inv *runbooks.Inventory
	if o.inventory != "" {
		var diags hcl.Diagnostics
		inv, diags = runbooks.LoadInventoryFile(o.inventory)
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
		rb, diags := runbooks.LoadFile(p)
		var files map[string]*hcl.File
		if rb != nil {
			files = rb.Files
			diags = append(diags, engine.Validate(rb, reg)...)
		}
		if !diags.HasErrors() && inv != nil {
			diags = append(diags, targetsWithDefaults(rb, inv)...)
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

// targetsWithDefaults checks, when every variable has a default, that the
// hosts and groups the runbook names exist in the inventory. With a
// required variable the targets are only known at plan time, where the
// same check runs.
func targetsWithDefaults(rb *runbooks.Runbook, inv *runbooks.Inventory) hcl.Diagnostics {
	vars, diags := rb.EvalVariables(nil, nil)
	if diags.HasErrors() {
		return nil
	}
	return engine.CheckTargets(engine.Request{Runbook: rb, Inventory: inv, Vars: vars})
}
