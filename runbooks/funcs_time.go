package runbooks

import (
	"errors"
	"fmt"
	"time"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// Timestamps are strings in RFC 3339 form ("2026-12-05T09:00:00Z"), as in
// Terraform; durations are Go/Terraform duration strings ("90m", "1h30m",
// "-2h"; units ns, us, ms, s, m, h).

// timestampFunc returns start in UTC. A zero start (validation, where no
// run has started) gives an unknown string.
func timestampFunc(start time.Time) function.Function {
	return function.New(&function.Spec{
		Description: "Returns the time the run started, in RFC 3339 form (UTC); the same value throughout a run.",
		Params:      []function.Parameter{},
		Type:        function.StaticReturnType(cty.String),
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
			if start.IsZero() {
				return cty.UnknownVal(cty.String), nil
			}
			return cty.StringVal(start.UTC().Format(time.RFC3339)), nil
		},
	})
}

// timeCmpFunc is Terraform's timecmp: -1, 0 or 1 as a is before, the same
// instant as, or after b (UTC offsets taken into account).
var timeCmpFunc = function.New(&function.Spec{
	Description: "Compares two RFC 3339 timestamps: -1 if a is earlier, 0 if the same instant, 1 if later.",
	Params:      []function.Parameter{{Name: "timestamp_a", Type: cty.String}, {Name: "timestamp_b", Type: cty.String}},
	Type:        function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		a, b, err := twoTimestamps(args)
		if err != nil {
			return cty.UnknownVal(cty.Number), err
		}
		return cty.NumberIntVal(int64(a.Compare(b))), nil
	},
})

// timeDiffFunc is mend's: a minus b in seconds, for ages ("how long since
// the certificate was issued") compared with parseduration.
var timeDiffFunc = function.New(&function.Spec{
	Description: "Returns timestamp_a minus timestamp_b in seconds (negative when a is earlier).",
	Params:      []function.Parameter{{Name: "timestamp_a", Type: cty.String}, {Name: "timestamp_b", Type: cty.String}},
	Type:        function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		a, b, err := twoTimestamps(args)
		if err != nil {
			return cty.UnknownVal(cty.Number), err
		}
		return cty.NumberFloatVal(a.Sub(b).Seconds()), nil
	},
})

// parseDurationFunc is mend's: a duration string in seconds, so that ages
// compare with numbers: timediff(timestamp(), x) > parseduration("720h").
var parseDurationFunc = function.New(&function.Spec{
	Description: `Returns a duration such as "1h30m" as a number of seconds.`,
	Params:      []function.Parameter{{Name: "duration", Type: cty.String}},
	Type:        function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		s := args[0].AsString()
		d, err := time.ParseDuration(s)
		if err != nil {
			return cty.UnknownVal(cty.Number), function.NewArgErrorf(0, "%q is not a duration: write a number and a unit (ns, us, ms, s, m, h), e.g. \"90s\", \"1h30m\", \"720h\"", truncate(s, 80))
		}
		return cty.NumberFloatVal(d.Seconds()), nil
	},
})

func twoTimestamps(args []cty.Value) (a, b time.Time, err error) {
	if a, err = parseTimestamp(args[0].AsString()); err != nil {
		return a, b, function.NewArgError(0, err)
	}
	if b, err = parseTimestamp(args[1].AsString()); err != nil {
		return a, b, function.NewArgError(1, err)
	}
	return a, b, nil
}

// parseTimestamp reads an RFC 3339 timestamp with an error that names the
// part that is wrong rather than Go's reference date.
func parseTimestamp(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err == nil {
		return t, nil
	}
	var pe *time.ParseError
	if !errors.As(err, &pe) {
		return t, err
	}
	part := map[string]string{
		"2006": "year", "01": "month", "02": "day of month", "15": "hour",
		"04": "minute", "05": "second", "Z07:00": "UTC offset", "T": "time introducer 'T'",
	}[pe.LayoutElem]
	switch {
	case part == "":
		return t, fmt.Errorf("%q is not a valid RFC 3339 timestamp (e.g. \"2026-01-02T15:04:05Z\")", truncate(s, 80))
	case pe.ValueElem == "":
		return t, fmt.Errorf("%q is not a valid RFC 3339 timestamp: it ends before the %s", truncate(s, 80), part)
	}
	return t, fmt.Errorf("%q is not a valid RFC 3339 timestamp: cannot use %q as the %s", truncate(s, 80), truncate(pe.ValueElem, 40), part)
}
