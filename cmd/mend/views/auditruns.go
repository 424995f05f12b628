package views

import (
	"fmt"
	"io"
	"time"

	"github.com/mend-sh/mend/audit"
)

// AuditRuns prints one line per run of the log, oldest first: id, mode,
// start, operator, outcome (unfinished when it has no end) and runbook.
func AuditRuns(w io.Writer, recs []audit.Record) {
	type run struct {
		start, end audit.Record
	}
	var order []string
	runs := map[string]*run{}
	for _, r := range recs {
		switch r.Event {
		case audit.EventRunStart:
			runs[r.RunID] = &run{start: r}
			order = append(order, r.RunID)
		case audit.EventRunEnd:
			if x := runs[r.RunID]; x != nil {
				x.end = r
			}
		}
	}
	fmt.Fprintf(w, "%-16s  %-5s  %-20s  %-10s  %-10s  %s\n", "RUN", "MODE", "STARTED", "OPERATOR", "OUTCOME", "RUNBOOK")
	for _, id := range order {
		x := runs[id]
		outcome := string(x.end.Outcome)
		if x.end.Event == "" {
			outcome = "unfinished"
		}
		runbook := Clean(x.start.Runbook)
		if from := x.start.Detail[audit.DetailResumes]; from != "" {
			runbook += " (resumes " + Clean(from) + ")"
		}
		fmt.Fprintf(w, "%-16s  %-5s  %-20s  %-10s  %-10s  %s\n", Clean(id), Clean(string(x.start.Mode)),
			x.start.Time.UTC().Format(time.RFC3339), Clean(x.start.Operator), Clean(outcome), runbook)
	}
}
