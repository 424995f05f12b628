package clock

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/mend-sh/mend/internal/hostscript"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Type is the `diagnose "clock"` step type.
type Type struct{}

var (
	_ steps.Diagnoser = Type{}
	_ steps.Validator = Type{}
)

// Name returns "clock".
func (Type) Name() string { return "clock" }

// NewConfig returns a new *Config.
func (Type) NewConfig() any { return &Config{} }

// Output is an object:
//
//	offset_ms         the host's clock minus mend's, in milliseconds (positive: the host is ahead)
//	error_ms          the bound on that: half the round trip of the sample used
//	rtt_ms            that round trip
//	samples           round trips measured
//	host_time         the host's time in that sample, RFC 3339 UTC with nanoseconds
//	ntp_state         synchronized, unsynchronized or unknown
//	ntp_synchronized  ntp_state is synchronized
//	ntp_source        chronyc, timedatectl, or "" when neither answered
//	ntp_detail        what the tool said (or why it did not)
//	ok                NTP is not unsynchronized and, with max_offset, |offset| + error is within it
func (Type) Output() cty.Type {
	return cty.Object(map[string]cty.Type{
		"offset_ms": cty.Number, "error_ms": cty.Number, "rtt_ms": cty.Number, "samples": cty.Number, "host_time": cty.String,
		"ntp_state": cty.String, "ntp_synchronized": cty.Bool, "ntp_source": cty.String, "ntp_detail": cty.String, "ok": cty.Bool,
	})
}

// ValidateConfig checks samples and max_offset.
func (Type) ValidateConfig(config any) error {
	_, err := hostscript.Check[settings, *Config](config)
	return err
}

// Diagnose measures the offset, then asks for the NTP state.
func (Type) Diagnose(ctx context.Context, req steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	s, err := hostscript.Check[settings, *Config](req.Config)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	best, err := measure(ctx, req.Host, s.samples)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	ntp, err := readNTP(ctx, req.Host)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	return reading{sample: best, ntp: ntp, s: s}.response(), nil
}

// reading is one clock step's findings.
type reading struct {
	sample
	ntp ntpState
	s   settings
}

// within: the offset, at its worst within the error bound, is within max_offset.
func (r reading) within() bool {
	return r.s.maxOffset == 0 || abs(r.offset)+r.rtt/2 <= r.s.maxOffset
}

func (r reading) ok() bool { return r.ntp.state != NTPUnsynchronized && r.within() }

func (r reading) response() steps.DiagnoseResponse {
	out := cty.ObjectVal(map[string]cty.Value{
		"offset_ms": ms(r.offset), "error_ms": ms(r.rtt / 2), "rtt_ms": ms(r.rtt), "samples": cty.NumberIntVal(int64(r.s.samples)),
		"host_time": cty.StringVal(r.host.Format(time.RFC3339Nano)), "ntp_state": cty.StringVal(r.ntp.state),
		"ntp_synchronized": cty.BoolVal(r.ntp.state == NTPSynchronized), "ntp_source": cty.StringVal(r.ntp.source),
		"ntp_detail": cty.StringVal(r.ntp.detail), "ok": cty.BoolVal(r.ok()),
	})
	details := []string{
		fmt.Sprintf("host time %s, best of %d round trips: %s", r.host.Format(time.RFC3339Nano), r.s.samples, r.rtt.Round(time.Microsecond)),
		"NTP: " + r.ntp.detail,
	}
	if !r.within() {
		details = append(details, fmt.Sprintf("offset may exceed max_offset %s", r.s.maxOffset))
	}
	return steps.DiagnoseResponse{Output: out, Summary: r.summary(), Details: details}
}

// summary: "host is 3.602 s ahead (± 4 ms), NTP unsynchronized (timedatectl)".
func (r reading) summary() string {
	dir := "ahead"
	if r.offset < 0 {
		dir = "behind"
	}
	src := ""
	if r.ntp.source != "" {
		src = " (" + r.ntp.source + ")"
	}
	return fmt.Sprintf("host is %s %s (± %s), NTP %s%s", human(abs(r.offset)), dir, human(r.rtt/2), r.ntp.state, src)
}

func abs(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// ms is d in milliseconds with three decimals.
func ms(d time.Duration) cty.Value {
	return cty.NumberFloatVal(math.Round(float64(d)/float64(time.Microsecond)) / 1000)
}

// human is "3.602 s" or "12.3 ms".
func human(d time.Duration) string {
	if d >= time.Second {
		return fmt.Sprintf("%.3f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}
