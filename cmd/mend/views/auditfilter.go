package views

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/mend-sh/mend/audit"
)

// AuditRecords writes the records a filter selected (`mend audit show`
// with filters), one line each with its run, oldest first, and a count.
// Text from the log is escaped as in AuditRun.
func AuditRecords(w io.Writer, recs []audit.Record) error {
	bw := bufio.NewWriter(w)
	if len(recs) == 0 {
		fmt.Fprintln(bw, "no records match")
		return bw.Flush()
	}
	var table strings.Builder
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tSEQ\tRUN\tEVENT\tSTEP\tHOST\tOUTCOME\tEXIT\tNOTE")
	for _, r := range recs {
		exit := "-"
		if r.ExitCode != nil {
			exit = strconv.Itoa(*r.ExitCode)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Time.UTC().Format("2006-01-02T15:04:05.000Z"), r.Seq,
			auditCell(r.RunID), Clean(string(r.Event)), auditCell(r.Step), auditCell(r.Host), auditCell(string(r.Outcome)), exit, auditNote(r))
	}
	tw.Flush()
	for line := range strings.Lines(table.String()) {
		fmt.Fprintln(bw, strings.TrimRight(line, " \n"))
	}
	fmt.Fprintf(bw, "%d records\n", len(recs))
	return bw.Flush()
}

// AuditJSON writes each line as stored in the log, one JSON object per
// line, so every value is exact (the hash chain can be recomputed from
// them). Characters a terminal would act on that JSON allows raw (DEL,
// C1 controls, bidirectional controls) are written as \u escapes, which
// denote the same string; invalid UTF-8, which a JSON reader takes as
// U+FFFD, is written as \ufffd.
func AuditJSON(w io.Writer, lines []audit.Line) error {
	bw := bufio.NewWriter(w)
	for _, l := range lines {
		bw.WriteString(jsonSafe(l.Raw))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// jsonSafe escapes what Clean would inside a valid JSON text: such
// characters can only occur inside strings, where \uXXXX means the same.
func jsonSafe(b []byte) string {
	s := string(b)
	if safe(s, false) {
		return s
	}
	var out strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			out.WriteString(`\ufffd`)
		case r == 0x7f, r >= 0x80 && r < 0xa0, bidi(r):
			fmt.Fprintf(&out, `\u%04x`, r)
		default:
			out.WriteString(s[i : i+n])
		}
		i += n
	}
	return out.String()
}
