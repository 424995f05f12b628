package main

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
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
	for _, p := range paths {
		rb, diags := runbooks.LoadFile(p, reg)
		var files map[string]*hcl.File
		if rb != nil {
			files = rb.Files
		}
		printDiags(a.stderr, files, diags, color)
		if diags.HasErrors() {
			failed = true
			continue
		}
		fmt.Fprintf(a.stdout, "%s: valid (%d variables, %d steps)\n", p, len(rb.Variables), len(rb.Steps))
	}
	if o.inventory != "" {
		inv, diags := runbooks.LoadInventoryFile(o.inventory)
		var files map[string]*hcl.File
		if inv != nil {
			files = inv.Files
		}
		printDiags(a.stderr, files, diags, color)
		if diags.HasErrors() {
			failed = true
		} else {
			fmt.Fprintf(a.stdout, "%s: valid (%d hosts)\n", o.inventory, len(inv.Hosts))
		}
	}
	if failed {
		return errSilent
	}
	return nil
}
