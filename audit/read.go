package audit

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"syscall"
)

// ReadAll reads every record of the log at path, in order. It does not
// check the chain (Verify does). On a line that is not a record, or a torn
// last line, it returns the records before it with an error naming the
// line, so `mend audit show` can still show a log a crash left torn. It
// holds the whole log in memory; ReadUnfinished does not.
func ReadAll(path string) ([]Record, error) {
	var recs []Record
	err := scan(path, func(n int, line []byte) error {
		var rec Record
		if err := json.Unmarshal(line, &rec); err != nil {
			return fmt.Errorf("%s:%d: not an audit record: %v", path, n, err)
		}
		recs = append(recs, rec)
		return nil
	})
	return recs, err
}

// ReadUnfinished returns what Unfinished(ReadAll(path)) would, reading the
// log one line at a time and keeping only the intents still open, so its
// memory grows with the number of unfinished steps, not with the log. On a
// line that is not a record, or a torn last line, it returns nil and an
// error naming the line.
func ReadUnfinished(path string) ([]Record, error) {
	f, err := openShared(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return collectUnfinished(f, path, func(string) bool { return true })
}

// unfinishedFrom is ReadUnfinished over the log from offset from (the
// start of a line) to its end, keeping only the intents of runs want
// accepts. The caller holds the log's flock. A from that is not the start
// of a line (a lock file's offset from another log) reads the whole log.
func (l *Log) unfinishedFrom(from int64, want func(string) bool) ([]Record, error) {
	if from > 0 {
		b := make([]byte, 1)
		if from > l.size {
			from = 0
		} else if _, err := l.f.ReadAt(b, from-1); err != nil || b[0] != '\n' {
			from = 0
		}
	}
	return collectUnfinished(io.NewSectionReader(l.f, from, l.size-from), l.path, want)
}

// collectUnfinished reads log lines from r and returns the intents of the
// runs want accepts that no later finish closes, in log order.
func collectUnfinished(r io.Reader, path string, want func(string) bool) ([]Record, error) {
	type key struct{ run, step, host string }
	type intent struct {
		line int
		rec  Record
	}
	open := map[key][]intent{}
	err := scanLines(r, path, func(n int, line []byte) error {
		var ev struct {
			Event Event  `json:"event"`
			RunID string `json:"run_id"`
			Step  string `json:"step"`
			Host  string `json:"host"`
		}
		if err := json.Unmarshal(line, &ev); err != nil {
			return fmt.Errorf("%s:%d: not an audit record: %v", path, n, err)
		}
		if !want(ev.RunID) {
			return nil
		}
		k := key{ev.RunID, ev.Step, ev.Host}
		switch ev.Event {
		case EventStepStart:
			var rec Record
			if err := json.Unmarshal(line, &rec); err != nil {
				return fmt.Errorf("%s:%d: not an audit record: %v", path, n, err)
			}
			open[k] = append(open[k], intent{n, rec})
		case EventStepFinish:
			if is := open[k]; len(is) > 1 {
				open[k] = is[1:]
			} else {
				delete(open, k) // keys of closed steps must not pile up
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var all []intent
	for _, is := range open {
		all = append(all, is...)
	}
	slices.SortFunc(all, func(a, b intent) int { return a.line - b.line })
	out := make([]Record, 0, len(all))
	for _, i := range all {
		out = append(out, i.rec)
	}
	return out, nil
}

// openShared opens the log at path for reading under a shared flock, so
// the reader never sees an append half done. It refuses anything but a
// regular file without blocking.
func openShared(path string) (*os.File, error) {
	f, err := openRegular(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("audit log %s: %w", path, openErr(err))
	}
	if err := flockWait(context.Background(), f, path, syscall.LOCK_SH, DefaultLockWait); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// scan calls fn with each line of the log at path (1-based line number,
// line without its newline) under a shared flock. It stops at fn's first
// error, and at a torn last line or one longer than a record may be, with
// an error naming the line.
func scan(path string, fn func(n int, line []byte) error) error {
	f, err := openShared(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return scanLines(f, path, fn)
}

// scanLines is scan over r (line numbers counted from r's start).
func scanLines(rd io.Reader, path string, fn func(n int, line []byte) error) error {
	r := bufio.NewReaderSize(rd, 64<<10)
	for n := 1; ; n++ {
		line, complete, err := readLine(r)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if !complete {
			return fmt.Errorf("%s:%d: the last line is torn (no newline at the end)", path, n)
		}
		if err := fn(n, line); err != nil {
			return err
		}
	}
}

// Unfinished returns the step_start (intent) records that have no later
// step_finish with the same run_id, step and host, in log order: steps
// whose outcome is unknown because mend stopped mid-step. Each finish
// closes the oldest open start of its key, so a retried step needs one
// finish per start. The engine reports these as "outcome unknown"; to stop
// reporting one, it appends a step_finish with the same run_id, step and
// host, Outcome unknown, and a Reason naming the run that found it.
func Unfinished(recs []Record) []Record {
	type key struct{ run, step, host string }
	open := map[key][]int{}
	for i, r := range recs {
		k := key{r.RunID, r.Step, r.Host}
		switch r.Event {
		case EventStepStart:
			open[k] = append(open[k], i)
		case EventStepFinish:
			if len(open[k]) > 0 {
				open[k] = open[k][1:]
			}
		}
	}
	var idx []int
	for _, is := range open {
		idx = append(idx, is...)
	}
	slices.Sort(idx)
	out := make([]Record, 0, len(idx))
	for _, i := range idx {
		out = append(out, recs[i])
	}
	return out
}
