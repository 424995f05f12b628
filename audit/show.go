package audit

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

// Show writes a human account of one run: a header from its run_start,
// one line per record (time, seq, event, step, host, outcome, exit code,
// and error class, error or reason), then the steps left unfinished. An
// empty runID means the run of the last record that has one. Output
// depends only on recs; text from the log is escaped, so a hostile host
// cannot send control sequences to the reader's terminal.
func Show(w io.Writer, recs []Record, runID string) error {
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
	var run []Record
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
			r.Seq, r.Event, cell(r.Step), cell(r.Host), cell(string(r.Outcome)), exit, note(r))
	}
	tw.Flush()
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, runHeader(runID, run))
	for line := range strings.Lines(table.String()) {
		fmt.Fprintln(bw, strings.TrimRight(line, " \n"))
	}
	for _, r := range Unfinished(run) {
		fmt.Fprintf(bw, "outcome unknown: %s on %s (intent at seq %d has no finish record)\n",
			clean(r.Step), cell(r.Host), r.Seq)
	}
	return bw.Flush()
}

// runHeader describes a run from its run_start record, if the log has one.
func runHeader(runID string, run []Record) string {
	h := "run " + clean(runID)
	i := slices.IndexFunc(run, func(r Record) bool { return r.Event == EventRunStart })
	if i < 0 {
		return h + " (no run_start record)"
	}
	s := run[i]
	if s.Mode != "" {
		h += ": " + string(s.Mode)
	}
	if s.Runbook != "" {
		h += " " + clean(s.Runbook)
	}
	if len(s.RunbookSHA256) >= 12 {
		h += " (sha256 " + clean(s.RunbookSHA256[:12]) + ")"
	}
	if s.Operator != "" {
		h += " by " + clean(s.Operator)
	}
	return h
}

// note is the last column: what went wrong, or why.
func note(r Record) string {
	var parts []string
	if r.ErrorClass != "" || r.Error != "" {
		parts = append(parts, strings.TrimPrefix(r.ErrorClass+": "+r.Error, ": "))
	}
	if r.Reason != "" {
		parts = append(parts, "reason: "+r.Reason)
	}
	if r.Event == EventHostKeyAccepted && r.HostKey != "" {
		parts = append(parts, "host key "+r.HostKey)
	}
	s := clean(strings.Join(parts, "; "))
	if utf8.RuneCountInString(s) > 160 {
		s = string([]rune(s)[:159]) + "…"
	}
	return s
}

// cell is a table cell: escaped, "-" when empty.
func cell(s string) string {
	if s == "" {
		return "-"
	}
	return clean(s)
}

// clean escapes control characters (including tabs, newlines, escape
// sequences and C1 controls) and bidirectional overrides, so text from a
// log cannot rearrange or recolour what the reader sees.
func clean(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
