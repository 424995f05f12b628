package clock

import (
	"context"
	"math/big"
	"strings"
	"time"

	"github.com/mend-sh/mend/internal/hostscript"
	"github.com/mend-sh/mend/steps"
)

// sample is one round trip: the host's time against the midpoint of
// mend's before and after.
type sample struct {
	offset, rtt time.Duration
	host        time.Time
}

// measure takes n samples and returns the one with the shortest round
// trip (the tightest bound).
func measure(ctx context.Context, host steps.Host, n int) (sample, error) {
	var best sample
	for i := range n {
		s, err := once(ctx, host)
		if err != nil {
			return sample{}, err
		}
		if i == 0 || s.rtt < best.rtt {
			best = s
		}
	}
	return best, nil
}

func once(ctx context.Context, host steps.Host) (sample, error) {
	before := time.Now()
	r, err := hostscript.Run(ctx, host, "exec date +%s.%N")
	after := time.Now()
	if err != nil {
		return sample{}, err
	}
	if r.ExitCode != 0 {
		return sample{}, r.Failed("clock: reading the host's time")
	}
	t, err := parseEpoch(strings.TrimSpace(string(r.Stdout)))
	if err != nil {
		return sample{}, steps.Errorf(steps.ClassStep, "clock: the host's date printed %q, not seconds.nanoseconds (GNU date is needed)", hostscript.Text(r.Stdout, 60))
	}
	rtt := after.Sub(before)
	mid := before.Add(rtt / 2)
	return sample{offset: t.Sub(mid), rtt: rtt, host: t}, nil
}

// parseEpoch reads "1733400000.123456789".
func parseEpoch(s string) (time.Time, error) {
	secs, frac, _ := strings.Cut(s, ".")
	sec, ok := new(big.Int).SetString(secs, 10)
	if !ok || !sec.IsInt64() || len(frac) > 9 {
		return time.Time{}, errBadDate
	}
	ns := int64(0)
	if frac != "" {
		f := frac + strings.Repeat("0", 9-len(frac))
		n, ok := new(big.Int).SetString(f, 10)
		if !ok {
			return time.Time{}, errBadDate
		}
		ns = n.Int64()
	}
	return time.Unix(sec.Int64(), ns).UTC(), nil
}

var errBadDate = steps.Errorf(steps.ClassStep, "not seconds.nanoseconds")
