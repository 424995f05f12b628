package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/hashicorp/hcl/v2"
	"github.com/mend-sh/mend/cmd/mend/views"
	"github.com/mend-sh/mend/runbooks"
	"github.com/pmezard/go-difflib/difflib"
	"github.com/spf13/cobra"
)

type fmtOptions struct {
	check, diff, write bool
}

func (a *app) fmtCommand() *cobra.Command {
	var o fmtOptions
	cmd := &cobra.Command{
		Use:   "fmt [-check|-diff|-w] FILE...",
		Short: "Rewrite runbooks and inventories in the canonical format",
		Long: "Without flags, fmt prints each file formatted. -w rewrites files in place, " +
			"-diff prints a unified diff, -check lists files that are not formatted and exits 1 if any.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return a.fmt(o, args) },
	}
	cmd.Flags().BoolVar(&o.check, "check", false, "list unformatted files; exit 1 if there are any")
	cmd.Flags().BoolVar(&o.diff, "diff", false, "print a diff of the changes")
	cmd.Flags().BoolVarP(&o.write, "write", "w", false, "write the result to the file")
	return cmd
}

func (a *app) fmt(o fmtOptions, paths []string) error {
	unformatted := false
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out, diags := runbooks.FormatFile(p, src)
		if diags.HasErrors() {
			printDiags(a.stderr, map[string]*hcl.File{}, diags, false)
			return errSilent
		}
		changed := !bytes.Equal(src, out)
		unformatted = unformatted || changed
		switch {
		case o.check || o.diff || o.write:
			if changed && (o.check || o.write) {
				fmt.Fprintln(a.stdout, p)
			}
			if changed && o.diff {
				d, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
					A: difflib.SplitLines(string(src)), B: difflib.SplitLines(string(out)),
					FromFile: "a/" + p, ToFile: "b/" + p, Context: 3,
				})
				fmt.Fprint(a.stdout, views.CleanBlock(d))
			}
			if changed && o.write {
				if err := writeSameMode(p, out); err != nil {
					return err
				}
			}
		default:
			_, _ = a.stdout.Write(out)
		}
	}
	if o.check && unformatted {
		a.code = exitError
		return errSilent
	}
	return nil
}

// writeSameMode replaces a local file keeping its permission bits, through
// a temporary file and a rename so an interrupted write loses nothing.
func writeSameMode(path string, data []byte) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	tmp := path + ".mend-fmt.tmp"
	if err := os.WriteFile(tmp, data, st.Mode().Perm()); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
