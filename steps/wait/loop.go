package wait

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/mend-sh/mend/steps"
)

// maxDetails is how many attempts the details list, the latest ones.
const maxDetails = 20

// loop is one wait_until run.
type loop struct {
	settings
	cfg     *Config
	req     steps.DiagnoseRequest
	timeout time.Duration
	start   time.Time

	attempts  int
	holdSince time.Time // when the condition started to hold; zero: it does not
	last      attempt
	lines     []string
	// redial: the last attempt lost the connection to the host, so the
	// next one first asks req.Hosts for it again (see reconnect).
	redial bool
}

// attempt is one run of the check.
type attempt struct {
	resp  steps.DiagnoseResponse
	err   error
	holds bool
}

func (l *loop) run(ctx context.Context) (steps.DiagnoseResponse, error) {
	for {
		a, err := l.attempt(ctx)
		if err != nil {
			return steps.DiagnoseResponse{}, err
		}
		l.record(a)
		if steps.Classify(a.err) == steps.ClassTransport {
			l.redial = true // until reconnect succeeds
		}
		if ff := l.failFast(a); ff != nil {
			return l.response(fmt.Sprintf("gave up after %s: %v", attemptsText(l.attempts), ff), false), ff
		}
		if a.holds && time.Since(l.holdSince) >= l.stableFor {
			return l.response(fmt.Sprintf("satisfied after %s (%s); last check: %s", attemptsText(l.attempts), l.elapsed(), lastCheck(a.describe())), true), nil
		}
		if err := l.pause(ctx); err != nil {
			return l.response(err.Error(), false), err
		}
	}
}

// attempt decodes the check and runs it once, then evaluates until. Only
// decode and evaluation problems are returned as errors.
func (l *loop) attempt(ctx context.Context) (attempt, error) {
	inner := l.inner.NewConfig()
	if diags := l.req.Eval.DecodeBody(l.cfg.Check.Body, cty.NilVal, inner); diags.HasErrors() {
		return attempt{}, steps.Errorf(steps.ClassConfig, "wait_until: check %q: %s", l.cfg.Check.Type, diags.Error())
	}
	if v, ok := l.inner.(steps.Validator); ok {
		if err := v.ValidateConfig(inner); err != nil {
			return attempt{}, err
		}
	}
	actx, cancel := context.WithTimeout(ctx, l.attemptTimeout)
	defer cancel()
	if err := l.reconnect(actx); err != nil {
		l.attempts++
		return attempt{err: err}, nil
	}
	req := l.req
	req.Config, req.Timeout = inner, l.attemptTimeout
	if dl, ok := actx.Deadline(); ok {
		req.Timeout = time.Until(dl)
	}
	resp, err := l.inner.Diagnose(actx, req)
	l.attempts++
	a := attempt{resp: resp, err: err}
	if err != nil || resp.Output == cty.NilVal {
		return a, nil
	}
	a.holds = true
	if hasUntil(l.cfg.Until) {
		holds, diags := l.req.Eval.EvalCondition(l.cfg.Until, resp.Output)
		if diags.HasErrors() {
			return attempt{}, steps.Errorf(steps.ClassConfig, "wait_until: until: %s", diags.Error())
		}
		a.holds = holds
	}
	return a, nil
}

// record keeps the attempt as the last one, updates when the condition
// started to hold, and adds a detail line.
func (l *loop) record(a attempt) {
	l.last = a
	switch {
	case !a.holds:
		l.holdSince = time.Time{}
	case l.holdSince.IsZero():
		l.holdSince = time.Now()
	}
	l.lines = append(l.lines, fmt.Sprintf("attempt %d at %s: %s -> %v", l.attempts, l.elapsed(), a.describe(), a.holds))
}

func (a attempt) describe() string {
	if a.err != nil {
		return fmt.Sprintf("error (%s): %v", steps.Classify(a.err), a.err)
	}
	return a.resp.Summary
}

// failFast returns the error that ends the wait when the attempt's error
// class or output verdict is in fail_fast_on, else nil.
func (l *loop) failFast(a attempt) error {
	if a.err != nil && slices.Contains(l.cfg.FailFastOn, string(steps.Classify(a.err))) {
		return fmt.Errorf("wait_until: check failed with %s, which waiting will not fix: %w", steps.Classify(a.err), a.err)
	}
	if v := verdict(a.resp.Output); v != "" && slices.Contains(l.cfg.FailFastOn, v) {
		return steps.Errorf(steps.ClassStep, "wait_until: check reported verdict %q, which waiting will not fix: %s", v, a.resp.Summary)
	}
	return nil
}

// verdict is the output's known string attribute "verdict", or "".
func verdict(out cty.Value) string {
	if out == cty.NilVal || out.IsNull() || !out.IsKnown() || !out.Type().IsObjectType() || !out.Type().HasAttribute("verdict") {
		return ""
	}
	v := out.GetAttr("verdict")
	if v.IsNull() || !v.IsKnown() || !v.Type().Equals(cty.String) {
		return ""
	}
	return v.AsString()
}

// pause sleeps the interval, or returns a timeout error when the deadline
// would pass first (or a canceled error when ctx is canceled).
func (l *loop) pause(ctx context.Context) error {
	dl, _ := ctx.Deadline()
	if time.Now().Add(l.interval).After(dl) {
		return steps.Errorf(steps.ClassTimeout, "wait_until: not satisfied within %s after %s; last check: %s", l.timeout, attemptsText(l.attempts), lastCheck(l.last.describe()))
	}
	t := time.NewTimer(l.interval)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return steps.Errorf(steps.ClassTimeout, "wait_until: not satisfied within %s after %s; last check: %s", l.timeout, attemptsText(l.attempts), lastCheck(l.last.describe()))
		}
		return fmt.Errorf("wait_until: %w", ctx.Err())
	}
}

// attemptsText is "1 attempt" or "N attempts".
func attemptsText(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}

// lastCheck bounds what the summary quotes of the last check's result
// (the views escape its control bytes; the engine redacts secrets).
func lastCheck(s string) string {
	const max = 300
	if len(s) > max {
		return strings.ToValidUTF8(s[:max], "") + "…"
	}
	return s
}

func (l *loop) elapsed() time.Duration { return time.Since(l.start).Round(time.Millisecond) }

// response is the output with the given summary and the latest attempts
// as details.
func (l *loop) response(summary string, satisfied bool) steps.DiagnoseResponse {
	last, errText := cty.NullVal(cty.DynamicPseudoType), ""
	if l.last.err != nil {
		errText = l.last.err.Error()
	} else if l.last.resp.Output != cty.NilVal {
		last = l.last.resp.Output
	}
	details := l.lines
	if n := len(details) - maxDetails; n > 0 {
		details = append([]string{fmt.Sprintf("(%d earlier attempts)", n)}, details[n:]...)
	}
	return steps.DiagnoseResponse{
		Output: cty.ObjectVal(map[string]cty.Value{
			"satisfied":  cty.BoolVal(satisfied),
			"attempts":   cty.NumberIntVal(int64(l.attempts)),
			"last":       last,
			"elapsed_ms": cty.NumberIntVal(time.Since(l.start).Milliseconds()),
			"error":      cty.StringVal(errText),
		}),
		Summary: summary,
		Details: details,
	}
}
