package main

import (
	"fmt"
	"os"
	"time"

	"github.com/mend-sh/mend/audit"
	"github.com/mend-sh/mend/cmd/mend/views"
	"github.com/spf13/cobra"
)

// auditShowOptions are `mend audit show`'s flags.
type auditShowOptions struct {
	filter                    audit.Filter
	since, until, format, run string
}

// auditShowCommand is `mend audit show`: a run for humans, or the
// records that filters select, as text or JSON lines.
func (a *app) auditShowCommand() *cobra.Command {
	var o auditShowOptions
	cmd := &cobra.Command{
		Use:   "show [LOG]",
		Short: "Print a run (default: the last one), or the records that filters select, as text or JSON lines",
		Long: "show prints the last run of the audit log, or the run given with --run. With any other filter it " +
			"prints every record that matches all filters, across runs. -format json writes each selected record " +
			"as stored in the log, one JSON object per line (exact values: the hash chain can be recomputed).",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.auditShow(o, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.run, "run", "", "only this run (see `mend audit runs`)")
	f.StringVar(&o.filter.Runbook, "runbook", "", "only runs of this runbook: its path as recorded, its file name, or a sha256 prefix (8+ hex digits)")
	f.StringVar(&o.filter.Host, "host", "", "only records about this inventory host")
	f.StringVar(&o.filter.Step, "step", "", "only this step address and what lies under it (repair.file.ca, repair.file, repair, stage.NAME)")
	f.StringVar(&o.filter.Operator, "operator", "", "only runs by this operator (OS user)")
	f.StringVar(&o.since, "since", "", "only records at or after this time: RFC 3339, a date, or a duration back from now (90m)")
	f.StringVar(&o.until, "until", "", "only records at or before this time (as --since)")
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	return cmd
}

func (a *app) auditShow(o auditShowOptions, args []string) error {
	if o.format != "text" && o.format != "json" {
		return fmt.Errorf("unknown -format %q: use text or json", o.format)
	}
	var err error
	now := time.Now()
	for _, t := range []struct {
		flag, val string
		into      *time.Time
	}{{"--since", o.since, &o.filter.Since}, {"--until", o.until, &o.filter.Until}} {
		if t.val == "" {
			continue
		}
		if *t.into, err = audit.ParseTime(t.val, now); err != nil {
			return fmt.Errorf("%s: %w", t.flag, err)
		}
	}
	path, err := logArg(args)
	if err != nil {
		return err
	}
	lines, err := audit.ReadLines(path)
	if err != nil {
		return err
	}
	o.filter.RunID = o.run
	filtered := o.filter != (audit.Filter{RunID: o.run})
	switch {
	case o.format == "json":
		return views.AuditJSON(a.stdout, o.filter.ApplyLines(lines))
	case filtered:
		return views.AuditRecords(a.stdout, audit.Records(o.filter.ApplyLines(lines)))
	}
	return views.AuditRun(a.stdout, audit.Records(lines), o.run)
}

// auditExportCommand is `mend audit export --run ID -o FILE`.
func (a *app) auditExportCommand() *cobra.Command {
	var runID, out string
	cmd := &cobra.Command{
		Use:   "export --run ID -o FILE [LOG]",
		Short: "Write a run's segment of the log, which `mend audit verify FILE` checks on its own",
		Long: "export verifies the log, then writes the records from the run's first to its last (records of runs " +
			"that ran at the same time included, as stored) after a header naming the sha256 of the record the " +
			"segment chains to and of its last record. `mend audit verify FILE` checks the segment alone; compare " +
			"the two hashes with the log or a signed checkpoint to tie it to the log.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.auditExport(runID, out, args)
		},
	}
	cmd.Flags().StringVar(&runID, "run", "", "the run to export (required; see `mend audit runs`)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "the segment file to write (required; must not exist)")
	cmd.MarkFlagRequired("run")
	cmd.MarkFlagRequired("output")
	return cmd
}

func (a *app) auditExport(runID, out string, args []string) error {
	path, err := logArg(args)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	h, err := audit.Export(path, runID, f, time.Now())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out)
		return err
	}
	fmt.Fprintf(a.stdout, "%s: run %s, records %d to %d (%d of the run, %d of other runs), %s; last record sha256 %s\n",
		out, views.Clean(runID), h.FirstSeq, h.LastSeq, h.Records, h.Others, chainText(h), h.LastSHA256)
	return nil
}

// verifySegment is `mend audit verify FILE [--log LOG]` for a segment.
func (a *app) verifySegment(path, logPath string) error {
	h, err := audit.VerifySegment(path)
	if err != nil {
		fmt.Fprintf(a.stderr, "%s: FAILED: %s\n", path, views.CleanBlock(err.Error()))
		return errSilent
	}
	fmt.Fprintf(a.stdout, "%s: ok: segment of run %s from %s, records %d to %d (%d of the run, %d of other runs), hash chain intact\n",
		path, views.Clean(h.RunID), views.Clean(h.Log), h.FirstSeq, h.LastSeq, h.Records, h.Others)
	if logPath == "" {
		fmt.Fprintf(a.stdout, "%s; record %d has sha256 %s: compare them with the log (--log LOG) or a signed checkpoint\n",
			chainText(h), h.LastSeq, h.LastSHA256)
		return nil
	}
	if err := audit.MatchSegment(h, logPath); err != nil {
		fmt.Fprintf(a.stderr, "%s: NOT PART OF %s: %s\n", path, logPath, views.CleanBlock(err.Error()))
		return errSilent
	}
	fmt.Fprintf(a.stdout, "%s: part of %s: %s, and record %d is the log's\n", path, logPath, chainText(h), h.LastSeq)
	return nil
}

// chainText says what a segment chains to: "chained to record 6 (sha256 …)".
func chainText(h audit.SegmentHeader) string {
	if h.Prev == "" {
		return "starting the log (record 1 has no prev)"
	}
	return fmt.Sprintf("chained to record %d (sha256 %s)", h.FirstSeq-1, h.Prev)
}
