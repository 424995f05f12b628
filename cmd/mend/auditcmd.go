package main

import (
	"fmt"

	"github.com/mend-sh/mend/audit"
	"github.com/spf13/cobra"
)

func (a *app) auditCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Verify and read the audit log"}
	verify := &cobra.Command{
		Use:   "verify [LOG]",
		Short: "Check the hash chain: any edited, deleted, reordered or truncated record is named by its seq",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := logArg(args)
			if err != nil {
				return err
			}
			rep, err := audit.Verify(path)
			if err != nil {
				fmt.Fprintf(a.stderr, "%s: FAILED: %v\n", path, err)
				return errSilent
			}
			fmt.Fprintf(a.stdout, "%s: ok: %d records, %d runs, hash chain intact\n", path, rep.Records, rep.Runs)
			return nil
		},
	}
	var runID string
	show := &cobra.Command{
		Use:   "show [LOG]",
		Short: "Print a run (default: the last one) for humans",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := logArg(args)
			if err != nil {
				return err
			}
			recs, err := audit.ReadAll(path)
			if err != nil {
				return err
			}
			return audit.Show(a.stdout, recs, runID)
		},
	}
	show.Flags().StringVar(&runID, "run", "", "run id to show (default: the last run)")
	cmd.AddCommand(verify, show)
	return cmd
}

func logArg(args []string) (string, error) {
	if len(args) == 1 {
		return args[0], nil
	}
	return audit.DefaultPath()
}
