package audit

import (
	"encoding/json"
	"fmt"
)

// Line is one record of a log with the bytes it is stored as (without
// the newline), for readers that must pass records on exactly as written
// (`mend audit show -format json`, Export).
type Line struct {
	Record
	Raw []byte
}

// ReadLines is ReadAll keeping each record's line.
func ReadLines(path string) ([]Line, error) {
	var lines []Line
	err := scan(path, func(n int, raw []byte) error {
		var rec Record
		if err := json.Unmarshal(raw, &rec); err != nil {
			return fmt.Errorf("%s:%d: not an audit record: %v", path, n, err)
		}
		lines = append(lines, Line{Record: rec, Raw: append([]byte(nil), raw...)})
		return nil
	})
	return lines, err
}

// Records returns the records of lines.
func Records(lines []Line) []Record {
	out := make([]Record, len(lines))
	for i, l := range lines {
		out[i] = l.Record
	}
	return out
}

// ApplyLines is Filter.Apply over lines.
func (f Filter) ApplyLines(lines []Line) []Line {
	starts := map[string]Record{}
	for _, l := range lines {
		if l.Event == EventRunStart {
			starts[l.RunID] = l.Record
		}
	}
	var out []Line
	for _, l := range lines {
		if f.match(l.Record, starts[l.RunID]) {
			out = append(out, l)
		}
	}
	return out
}
