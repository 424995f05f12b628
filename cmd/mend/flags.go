package main

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// singleDashLongFlags lets users write long flags with one dash, as
// Terraform and Go's flag package do (-check, -detailed-exitcode,
// -format=json), while cobra keeps --long and -x shorthands: an argument
// "-name" or "-name=value" whose name is a long flag of the command it is
// given to becomes "--name...". Arguments after "--" are left alone.
func singleDashLongFlags(root *cobra.Command, args []string) []string {
	cmd, _, err := root.Find(args)
	if err != nil || cmd == nil {
		return args
	}
	long := map[string]bool{}
	collect := func(fs *pflag.FlagSet) {
		fs.VisitAll(func(f *pflag.Flag) { long[f.Name] = true })
	}
	collect(cmd.Flags())
	collect(cmd.InheritedFlags())
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if a == "--" {
			copy(out[i:], args[i:])
			break
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' {
			name, _, _ := strings.Cut(a[1:], "=")
			if long[name] {
				out[i] = "-" + a
			}
		}
	}
	return out
}
