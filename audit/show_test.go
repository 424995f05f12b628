package audit

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// showLog writes two runs; r2 has an approval, a failure with a hostile
// error message, a refusal and a step left unfinished.
func showLog(t *testing.T) []Record {
	l := openTest(t)
	one, zero := 1, 0
	appendAll(t, l, []Record{
		{RunID: "r1", Event: EventRunStart, Mode: ModePlan, Operator: "bob"},
		{RunID: "r1", Event: EventRunEnd, Outcome: OutcomeOK},
		{RunID: "r2", Event: EventRunStart, Mode: ModeApply, Operator: "alice", Runbook: "examples/ca.mend.hcl",
			RunbookSHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
		{RunID: "r2", Event: EventHostKeyAccepted, Host: "web1", HostKey: "SHA256:abc"},
		{RunID: "r2", Event: EventStepStart, Step: "diagnose.file.ca", Host: "web1"},
		{RunID: "r2", Event: EventStepFinish, Step: "diagnose.file.ca", Host: "web1", Outcome: OutcomeOK, ExitCode: &zero},
		{RunID: "r2", Event: EventApprovalGranted, Step: "repair.file.install_ca", Reason: "operator alice on /dev/pts/1"},
		{RunID: "r2", Event: EventStepStart, Step: "repair.file.install_ca", Host: "web1"},
		{RunID: "r2", Event: EventStepFinish, Step: "repair.file.install_ca", Host: "web1", Outcome: OutcomeFailed,
			ExitCode: &one, ErrorClass: "exit_status", Error: "install: denied\x1b[2J\nfake line"},
		{RunID: "r2", Event: EventApprovalRefused, Step: "repair.etcd.restore", Outcome: OutcomeRefused, Reason: "no --approve flag"},
		{RunID: "r2", Event: EventStepStart, Step: "repair.service.restart", Host: "web2"},
	})
	recs, err := ReadAll(l.Path())
	if err != nil {
		t.Fatal(err)
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

func TestShow(t *testing.T) {
	recs := showLog(t)
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
			err := Show(&b, recs, tc.run)
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
	if err := Show(&strings.Builder{}, nil, ""); err == nil {
		t.Error("Show of no records succeeded")
	}
}

func TestUnfinished(t *testing.T) {
	start := func(run, step, host string) Record {
		return Record{RunID: run, Event: EventStepStart, Step: step, Host: host}
	}
	finish := func(run, step, host string) Record {
		return Record{RunID: run, Event: EventStepFinish, Step: step, Host: host, Outcome: OutcomeOK}
	}
	for _, tc := range []struct {
		name string
		recs []Record
		want []Record
	}{
		{"all finished", []Record{start("r", "a", "h"), finish("r", "a", "h")}, []Record{}},
		{"one open", []Record{start("r", "a", "h1"), start("r", "a", "h2"), finish("r", "a", "h1")},
			[]Record{start("r", "a", "h2")}},
		{"finish in another run does not close", []Record{start("r1", "a", "h"), finish("r2", "a", "h")},
			[]Record{start("r1", "a", "h")}},
		{"retried step needs a finish per start", []Record{start("r", "a", "h"), finish("r", "a", "h"), start("r", "a", "h")},
			[]Record{start("r", "a", "h")}},
		{"log order kept", []Record{start("r", "b", "h"), start("r", "a", "h")},
			[]Record{start("r", "b", "h"), start("r", "a", "h")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Unfinished(tc.recs)); diff != "" {
				t.Errorf("Unfinished (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadAllStopsAtTornLine(t *testing.T) {
	l := openTest(t)
	appendAll(t, l, sixRecords())
	b, _ := os.ReadFile(l.Path())
	write(l.Path(), b[:len(b)-10])
	recs, err := ReadAll(l.Path())
	if len(recs) != 5 || err == nil || !strings.Contains(err.Error(), ":6: the last line is torn") {
		t.Errorf("ReadAll = %d records, %v; want 5 and an error naming line 6", len(recs), err)
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("HOME", "/home/alice")
	for _, tc := range []struct{ xdg, want string }{
		{"/var/state", "/var/state/mend/audit.jsonl"},
		{"", "/home/alice/.local/state/mend/audit.jsonl"},
		{"relative/state", "/home/alice/.local/state/mend/audit.jsonl"},
	} {
		t.Setenv("XDG_STATE_HOME", tc.xdg)
		got, err := DefaultPath()
		if err != nil || got != tc.want {
			t.Errorf("XDG_STATE_HOME=%q: DefaultPath() = %q, %v; want %q", tc.xdg, got, err, tc.want)
		}
	}
}
