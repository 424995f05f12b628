package views

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/mend-sh/mend/audit"
)

// AuditRun writes a human account of one run of the audit log: a header from its run_start,
// one line per record (time, seq, event, step, host, outcome, exit code,
// and error class, error or reason), then the steps left unfinished. An
// empty runID means the run of the last record that has one. Output
// depends only on recs; text from the log is escaped, so a hostile host
// cannot send control sequences to the reader's terminal.
func AuditRun(w io.Writer, recs []audit.Record, runID string) error {
	if runID == "" {
		for _, r := range slices.Backward(recs) {
			if r.RunID != "" {
				runID = r.RunID
				break
			}
		}
		if runID == "" {
			return fmt.Errorf("the audit log has no runs")
		}
	}
	var run []audit.Record
	for _, r := range recs {
		if r.RunID == runID {
			run = append(run, r)
		}
	}
	if len(run) == 0 {
		return fmt.Errorf("the audit log has no run %q", runID)
	}
	var table strings.Builder
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tSEQ\tEVENT\tSTEP\tHOST\tOUTCOME\tEXIT\tNOTE")
	for _, r := range run {
		exit := "-"
		if r.ExitCode != nil {
			exit = strconv.Itoa(*r.ExitCode)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Time.UTC().Format("2006-01-02T15:04:05.000Z"),
			r.Seq, Clean(string(r.Event)), auditCell(r.Step), auditCell(r.Host), auditCell(string(r.Outcome)), exit, auditNote(r))
	}
	tw.Flush()
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, auditRunHeader(runID, run))
	for line := range strings.Lines(table.String()) {
		fmt.Fprintln(bw, strings.TrimRight(line, " \n"))
	}
	for _, r := range audit.Unfinished(run) {
		fmt.Fprintf(bw, "outcome unknown: %s on %s (intent at seq %d has no finish record)\n",
			Clean(r.Step), auditCell(r.Host), r.Seq)
	}
	return bw.Flush()
}

// auditRunHeader describes a run from its run_start record, if the log has one.
func auditRunHeader(runID string, run []audit.Record) string {
	h := "run " + Clean(runID)
	i := slices.IndexFunc(run, func(r audit.Record) bool { return r.Event == audit.EventRunStart })
	if i < 0 {
		return h + " (no run_start record)"
	}
	s := run[i]
	if s.Mode != "" {
		h += ": " + string(s.Mode)
	}
	if s.Runbook != "" {
		h += " " + Clean(s.Runbook)
	}
	if len(s.RunbookSHA256) >= 12 {
		h += " (sha256 " + Clean(s.RunbookSHA256[:12]) + ")"
	}
	if s.Operator != "" {
		h += " by " + Clean(s.Operator)
	}
	if from := s.Detail[audit.DetailResumes]; from != "" {
		h += ", resuming run " + Clean(from)
	}
	return h
}

// auditNote is the last column: what went wrong, or why.
func auditNote(r audit.Record) string {
	var parts []string
	if r.ErrorClass != "" || r.Error != "" {
		parts = append(parts, strings.TrimPrefix(r.ErrorClass+": "+r.Error, ": "))
	}
	if r.Reason != "" {
		parts = append(parts, "reason: "+r.Reason)
	}
	if r.Event == audit.EventHostKeyAccepted && r.HostKey != "" {
		parts = append(parts, "host key "+r.HostKey)
	}
	s := Clean(strings.Join(parts, "; "))
	if utf8.RuneCountInString(s) > 160 {
		s = string([]rune(s)[:159]) + "…"
	}
	return s
}

// auditCell is a table cell: escaped, "-" when empty.
func auditCell(s string) string {
	if s == "" {
		return "-"
	}
	return Clean(s)
}
