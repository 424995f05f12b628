package service

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRunitCommand(t *testing.T) {
	r := runit{svdir: "/srv/my sv", name: "etcd"}
	got := []string{r.command("restart", 30*time.Second), r.command("stop", 1500*time.Millisecond), r.command("start", 0)}
	want := []string{
		"SVDIR='/srv/my sv' sv -w 30 -v restart etcd",
		"SVDIR='/srv/my sv' sv -w 2 -v stop etcd",
		"SVDIR='/srv/my sv' sv -w 1 -v start etcd",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
}

func TestParseSuperviseStatus(t *testing.T) {
	// Bytes runsv 2.1.2 wrote for a running service (od -An -tx1).
	b := []byte{0x40, 0, 0, 0, 0x6b, 0x0c, 0x17, 0x5b, 0x13, 0xc6, 0x76, 0x3c, 0x38, 0x26, 0, 0, 0, 'u', 0, 1}
	rec, err := parseSuperviseStatus(b)
	if err != nil {
		t.Fatal(err)
	}
	want := superviseRecord{start: time.Unix(0x6b0c175b-10, 0x13c6763c), pid: 9784}
	if !rec.start.Equal(want.start) || rec.pid != want.pid {
		t.Errorf("got %v pid %d, want %v pid %d", rec.start, rec.pid, want.start, want.pid)
	}
	if _, err := parseSuperviseStatus(b[:18]); err == nil {
		t.Error("an 18-byte record parsed; want an error")
	}
}

func TestParseSVStatus(t *testing.T) {
	tests := []struct {
		out     string
		want    State
		wantErr string
	}{
		{out: "run: labdemo: (pid 7763) 12s; run: log: (pid 7762) 12s\n", want: State{Active: true, State: "run", PID: 7763, UptimeSeconds: 12, Restarts: -1}},
		{out: "down: crash: 1s, normally up, want up\n", want: State{State: "down", UptimeSeconds: 1, Restarts: -1, RestartPending: true}},
		{out: "finish: x: (pid 12) 0s, normally up\n", want: State{State: "finish", PID: 12, Restarts: -1}},
		{out: "warning: x: unable to open supervise/ok: file does not exist\n", wantErr: "not supervised: warning: x: unable to open supervise/ok: file does not exist"},
		{out: "", wantErr: "not supervised: (no output)"},
	}
	for _, tt := range tests {
		got, err := parseSVStatus(tt.out)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("%q: error %v, want %q", tt.out, err, tt.wantErr)
			}
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" || err != nil {
			t.Errorf("%q: err %v, (-want +got):\n%s", tt.out, err, diff)
		}
	}
}
