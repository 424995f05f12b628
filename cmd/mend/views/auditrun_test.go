package views

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/audit"
)

// showLog writes two runs; r2 has an approval, a failure with a hostile
// error message, a refusal and a step left unfinished.
func showLog() []audit.Record {
	one, zero := 1, 0
	recs := []audit.Record{
		{RunID: "r1", Event: audit.EventRunStart, Mode: audit.ModePlan, Operator: "bob"},
		{RunID: "r1", Event: audit.EventRunEnd, Outcome: audit.OutcomeOK},
		{RunID: "r2", Event: audit.EventRunStart, Mode: audit.ModeApply, Operator: "alice", Runbook: "examples/ca.mend.hcl",
			RunbookSHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
		{RunID: "r2", Event: audit.EventHostKeyAccepted, Host: "web1", HostKey: "SHA256:abc"},
		{RunID: "r2", Event: audit.EventStepStart, Step: "diagnose.file.ca", Host: "web1"},
		{RunID: "r2", Event: audit.EventStepFinish, Step: "diagnose.file.ca", Host: "web1", Outcome: audit.OutcomeOK, ExitCode: &zero},
		{RunID: "r2", Event: audit.EventApprovalGranted, Step: "repair.file.install_ca", Reason: "operator alice on /dev/pts/1"},
		{RunID: "r2", Event: audit.EventStepStart, Step: "repair.file.install_ca", Host: "web1"},
		{RunID: "r2", Event: audit.EventStepFinish, Step: "repair.file.install_ca", Host: "web1", Outcome: audit.OutcomeFailed,
			ExitCode: &one, ErrorClass: "exit_status", Error: "install: denied\x1b[2J\nfake line"},
		{RunID: "r2", Event: audit.EventApprovalRefused, Step: "repair.etcd.restore", Outcome: audit.OutcomeRefused, Reason: "no --approve flag"},
		{RunID: "r2", Event: audit.EventStepStart, Step: "repair.service.restart", Host: "web2"},
	}
	start := time.Date(2026, 11, 29, 10, 0, 1, 500e6, time.UTC)
	for i := range recs {
		recs[i].Seq = uint64(i + 1)
		recs[i].Time = start.Add(time.Duration(i) * 1500 * time.Millisecond)
	}
	return recs
}

const showGolden = `run r2: apply examples/ca.mend.hcl (sha256 9f86d081884c) by alice
TIME                      SEQ  EVENT              STEP                    HOST  OUTCOME  EXIT  NOTE
2026-11-29T10:00:04.500Z  3    run_start          -                       -     -        -
2026-11-29T10:00:06.000Z  4    host_key_accepted  -                       web1  -        -     host key SHA256:abc
2026-11-29T10:00:07.500Z  5    step_start         diagnose.file.ca        web1  -        -
2026-11-29T10:00:09.000Z  6    step_finish        diagnose.file.ca        web1  ok       0
2026-11-29T10:00:10.500Z  7    approval_granted   repair.file.install_ca  -     -        -     reason: operator alice on /dev/pts/1
2026-11-29T10:00:12.000Z  8    step_start         repair.file.install_ca  web1  -        -
2026-11-29T10:00:13.500Z  9    step_finish        repair.file.install_ca  web1  failed   1     exit_status: install: denied\x1b[2J\x0afake line
2026-11-29T10:00:15.000Z  10   approval_refused   repair.etcd.restore     -     refused  -     reason: no --approve flag
2026-11-29T10:00:16.500Z  11   step_start         repair.service.restart  web2  -        -
outcome unknown: repair.service.restart on web2 (intent at seq 11 has no finish record)
`

func TestAuditRun(t *testing.T) {
	recs := showLog()
	for _, tc := range []struct {
		name, run, want, wantErr string
	}{
		{name: "last run", run: "", want: showGolden},
		{name: "named run", run: "r2", want: showGolden},
		{name: "earlier run", run: "r1", want: `run r1: plan by bob
TIME                      SEQ  EVENT      STEP  HOST  OUTCOME  EXIT  NOTE
2026-11-29T10:00:01.500Z  1    run_start  -     -     -        -
2026-11-29T10:00:03.000Z  2    run_end    -     -     ok       -
`},
		{name: "unknown run", run: "r9", wantErr: `the audit log has no run "r9"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			err := AuditRun(&b, recs, tc.run)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("Show error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, b.String()); diff != "" {
				t.Errorf("Show output (-want +got):\n%s", diff)
			}
		})
	}
	if err := AuditRun(&strings.Builder{}, nil, ""); err == nil {
		t.Error("AuditRun of no records succeeded")
	}
}
