package clock

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/transport/local"
	"github.com/zclconf/go-cty/cty"
)

func num(v cty.Value) float64 { f, _ := v.AsBigFloat().Float64(); return f }

// TestClockOverSSH: through a real sshd on this machine the two clocks
// are one, so the measured offset must lie within its own error bound.
func TestClockOverSSH(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	resp, err := Type{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: &Config{Samples: 5}, Host: h})
	if err != nil {
		t.Fatal(err)
	}
	if errs := resp.Output.Type().TestConformance(Type{}.Output()); len(errs) > 0 {
		t.Fatalf("output does not conform: %v", errs)
	}
	off, bound := num(resp.Output.GetAttr("offset_ms")), num(resp.Output.GetAttr("error_ms"))
	if bound <= 0 || math.Abs(off) > bound+1 { // +1 ms: date's own start-up after the fork
		t.Errorf("offset %.3f ms outside its error bound ±%.3f ms", off, bound)
	}
	if n := num(resp.Output.GetAttr("samples")); n != 5 {
		t.Errorf("samples = %v", n)
	}
	state := resp.Output.GetAttr("ntp_state").AsString()
	if state != NTPSynchronized && state != NTPUnsynchronized && state != NTPUnknown || resp.Output.GetAttr("ntp_detail").AsString() == "" {
		t.Errorf("ntp_state %q, detail %q", state, resp.Output.GetAttr("ntp_detail").AsString())
	}
	t.Logf("%s\n%s", resp.Summary, strings.Join(resp.Details, "\n"))
}

// TestClockAnHourAhead runs the step on a host whose clock is an hour
// ahead (libfaketime preloaded into the host's commands): the offset is
// an hour within the bound, and with max_offset the step is not ok.
func TestClockAnHourAhead(t *testing.T) {
	libs, _ := filepath.Glob("/usr/lib/*-linux-gnu/faketime/libfaketime.so.1")
	if len(libs) == 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("libfaketime is needed (scripts/deps.sh installs it)")
		}
		t.Skip("libfaketime is not installed")
	}
	lib := libs[0]
	t.Setenv("LD_PRELOAD", lib)
	t.Setenv("FAKETIME", "+1h")
	t.Setenv("DONT_FAKE_MONOTONIC", "1")
	resp, err := Type{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: &Config{MaxOffset: "1s"}, Host: local.Host{Name: "skewed"}})
	if err != nil {
		t.Fatal(err)
	}
	off, bound := num(resp.Output.GetAttr("offset_ms")), num(resp.Output.GetAttr("error_ms"))
	if math.Abs(off-3600000) > bound+1 {
		t.Errorf("offset %.3f ms, want 3600000 ± %.3f", off, bound)
	}
	if resp.Output.GetAttr("ok").True() {
		t.Error("ok with the clock an hour ahead and max_offset 1s")
	}
	if !strings.HasPrefix(resp.Summary, "host is 3600.") || !strings.Contains(resp.Summary, " s ahead (± ") {
		t.Errorf("Summary = %q", resp.Summary)
	}
}

// TestParseNTP reads what chronyc and timedatectl print (formats taken
// from chrony 4.3 and systemd 252).
func TestParseNTP(t *testing.T) {
	for _, tc := range []struct{ name, out, state, source string }{
		{"chrony synchronised", "mend-chronyc\nA9FEA97B,169.254.169.123,4,1733400000.123,-0.000012345,0.000001,0.00002,-12.5,0.001,0.02,0.0005,0.0003,64.4,Normal\n\nmend-end\n", NTPSynchronized, "chronyc"},
		{"chrony not synchronised", "mend-chronyc\n00000000,,0,0.000000000,0.000000000,0.000000000,0.000000000,0.000,0.000,0.000,1.000000000,1.000000000,0.0,Not synchronised\n\nmend-end\n", NTPUnsynchronized, "chronyc"},
		{"chronyd down, timedatectl answers", "mend-chronyc\n506 Cannot talk to daemon\n\nmend-timedatectl\nTimezone=UTC\nLocalRTC=no\nCanNTP=yes\nNTP=yes\nNTPSynchronized=no\n\nmend-end\n", NTPUnsynchronized, "timedatectl"},
		{"timedatectl synchronised", "mend-timedatectl\nNTP=yes\nNTPSynchronized=yes\n\nmend-end\n", NTPSynchronized, "timedatectl"},
		{"no systemd", "mend-timedatectl\nSystem has not been booted with systemd as init system (PID 1). Can't operate.\n\nmend-end\n", NTPUnknown, ""},
		{"neither installed", "mend-end\n", NTPUnknown, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := parseNTP([]byte(tc.out))
			if d := cmp.Diff([]string{tc.state, tc.source}, []string{st.state, st.source}); d != "" || st.detail == "" {
				t.Errorf("(-want +got):\n%s\ndetail %q", d, st.detail)
			}
		})
	}
}
