package main

import (
	"fmt"

	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/cmd/mend/views"
	"github.com/spf13/cobra"
)

func (a *app) auditCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Verify and read the audit log"}
	var allowedSigners string
	var segmentLog string
	verify := &cobra.Command{
		Use:   "verify [LOG|SEGMENT]",
		Short: "Check the hash chain: any edited, deleted, reordered or truncated record is named by its seq",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := logArg(args)
			if err != nil {
				return err
			}
			if audit.IsSegment(path) {
				return a.verifySegment(path, segmentLog)
			}
			rep, err := audit.Verify(path)
			for _, w := range rep.Warnings {
				fmt.Fprintf(a.stderr, "%s: warning: %s\n", path, views.Clean(w))
			}
			if err != nil {
				fmt.Fprintf(a.stderr, "%s: FAILED: %s\n", path, views.CleanBlock(err.Error()))
				if allowedSigners != "" {
					_ = a.verifyCheckpoints(path, allowedSigners)
				}
				return errSilent
			}
			fmt.Fprintf(a.stdout, "%s: ok: %d records, %d runs, hash chain intact\n", path, rep.Records, rep.Runs)
			if allowedSigners != "" {
				return a.verifyCheckpoints(path, allowedSigners)
			}
			return nil
		},
	}
	verify.Flags().StringVar(&allowedSigners, "allowed-signers", "", "also check every signed checkpoint (LOG.checkpoints) against this OpenSSH allowed_signers file: a log rewritten with its head is caught from the last checkpoint on")
	verify.Flags().StringVar(&segmentLog, "log", "", "for a segment: also check that it is part of this log (its chain hashes are the log's)")
	show := a.auditShowCommand()
	runs := &cobra.Command{
		Use:   "runs [LOG]",
		Short: "List the runs in the log: id, mode, start, operator, outcome, runbook",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			recs, err := readLog(args)
			if err != nil {
				return err
			}
			views.AuditRuns(a.stdout, recs)
			return nil
		},
	}
	cmd.AddCommand(verify, show, runs, a.auditExportCommand(), a.auditRepairCommand(),
		a.auditSignCommand(), a.auditCheckpointsCommand())
	return cmd
}

// auditRepairCommand is `mend audit repair`: cut a torn last line left by
// a crash mid-append, and say what was cut.
func (a *app) auditRepairCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "repair [LOG]",
		Short: "Cut a torn last line left by a crash mid-append (refuses any other damage) and record the cut in the log",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := logArg(args)
			if err != nil {
				return err
			}
			rep, err := audit.Repair(path)
			if err != nil {
				fmt.Fprintf(a.stderr, "%s: REFUSED: %s\n", path, views.CleanBlock(err.Error()))
				return errSilent
			}
			if rep.Cut == 0 {
				fmt.Fprintf(a.stdout, "%s: nothing to repair: the log ends with a complete line (`mend audit verify` checks the rest)\n", path)
				return nil
			}
			fmt.Fprintf(a.stdout, "%s: cut a torn last line: %d bytes at offset %d, sha256 %s\n", path, rep.Cut, rep.Offset, rep.SHA256)
			fmt.Fprintf(a.stdout, "recorded as note seq %d; the cut bytes were %q\n", rep.Note.Seq, rep.Note.OutputExcerpt)
			return nil
		},
	}
}

func logArg(args []string) (string, error) {
	if len(args) == 1 {
		return args[0], nil
	}
	return audit.DefaultPath()
}

// readLog reads every record of the log named by args (or the default).
func readLog(args []string) ([]audit.Record, error) {
	path, err := logArg(args)
	if err != nil {
		return nil, err
	}
	return audit.ReadAll(path)
}
