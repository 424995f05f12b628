package views

import (
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/audit"
)

// One line per run, oldest first; a run with no end is unfinished; bytes
// from the log are shown escaped.
func TestAuditRuns(t *testing.T) {
	t0 := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	var b strings.Builder
	AuditRuns(&b, []audit.Record{
		{RunID: "r1", Event: audit.EventRunStart, Mode: audit.ModePlan, Operator: "alice", Runbook: "ca.mend.hcl", Time: t0},
		{RunID: "r2", Event: audit.EventRunStart, Mode: audit.ModeApply, Operator: "bob\x1b[8m", Runbook: "etcd.mend.hcl", Time: t0.Add(time.Minute)},
		{RunID: "r1", Event: audit.EventRunEnd, Outcome: audit.OutcomeOK},
	})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "RUN") {
		t.Fatalf("output:\n%s", b.String())
	}
	for i, want := range [][]string{
		{"r1", "plan", "2026-12-05T10:00:00Z", "alice", "ok", "ca.mend.hcl"},
		{"r2", "apply", "2026-12-05T10:01:00Z", `bob\x1b[8m`, "unfinished", "etcd.mend.hcl"},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i+1], w) {
				t.Errorf("line %q lacks %q", lines[i+1], w)
			}
		}
	}
	if strings.ContainsRune(b.String(), 0x1b) {
		t.Error("a raw escape reached the output")
	}
}
