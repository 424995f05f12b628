package audit

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// BenchmarkBeginRun measures a run's start on the audit log (BeginRun and
// End: open, tail and head checks, run lock, looking for dead runs) with
// an empty log and with a 1 GiB one. Start-up must not depend on the
// log's size (issue 12: within 10 ms):
//
//	go test -run '^$' -bench BeginRun ./audit/
func BenchmarkBeginRun(b *testing.B) {
	big := filepath.Join(b.TempDir(), "audit.jsonl")
	writeBigLog(b, big, 1<<30)
	for _, tc := range []struct{ name, path string }{
		{"empty", filepath.Join(b.TempDir(), "audit.jsonl")},
		{"1GiB", big},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				run, err := BeginRun(context.Background(), tc.path, RunOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if len(run.Recovered) != 0 {
					b.Fatalf("recovered %d intents", len(run.Recovered))
				}
				run.End()
			}
		})
	}
	// What start-up cost before run locks told where to look: reading the
	// whole log for unfinished intents (-benchtime 1x is plenty).
	b.Run("before/scan-1GiB", func(b *testing.B) {
		for b.Loop() {
			if _, err := ReadUnfinished(big); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// writeBigLog writes a valid log of about size bytes at path (chain, head
// file, run lock directory), as many runs of a 200-host step would leave
// it: every intent closed.
func writeBigLog(b *testing.B, path string, size int64) {
	b.Helper()
	if size == 0 {
		return
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	pad := strings.Repeat("x", 300) // a command line's worth of bytes
	var seq uint64
	var prev string
	var written int64
	for run := 0; written < size; run++ {
		for i := 0; i < 400 && written < size; i++ {
			seq++
			event := "step_start"
			outcome := ""
			if i%2 == 1 {
				event, outcome = "step_finish", `,"outcome":"ok"`
			}
			line := fmt.Sprintf(`{"seq":%d,"prev":%q,"time":"2026-12-01T10:00:00Z","run_id":"run%06d","event":%q,"mode":"apply","step":"diagnose.command.s","host":"h%03d","command":"%s"%s}`,
				seq, prev, run, event, i/2, pad, outcome)
			prev = lineSHA256([]byte(line))
			w.WriteString(line)
			w.WriteByte('\n')
			written += int64(len(line)) + 1
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	if err := writeHead(path, head{Seq: seq, SHA256: prev}); err != nil {
		b.Fatal(err)
	}
	if err := os.Mkdir(path+".runs", 0o700); err != nil {
		b.Fatal(err)
	}
	syscall.Sync() // measure start-up, not the disk writing back the gigabyte just written
}

// BenchmarkAppendStepBatch is the audit log's share of one step on ten
// hosts: the intents of all hosts, then their outcomes. "concurrent":
// ten goroutines call Append at once, as the engine's hosts did, and
// share what group commit gives them; "batch": the engine hands the
// step batch's intents, then its outcomes, to AppendBatch. Reported:
// records per fsync (10 is one fsync for the intents and one for the
// outcomes of the ten hosts).
//
//	go test -run '^$' -bench AppendStepBatch ./audit/
func BenchmarkAppendStepBatch(b *testing.B) {
	const hosts = 10
	record := func(ev Event, h int) Record {
		r := Record{RunID: "bench", Event: ev, Step: "diagnose.command.s", Host: fmt.Sprintf("h%d", h)}
		if ev == EventStepFinish {
			r.Outcome = OutcomeOK
		}
		return r
	}
	concurrent := func(b *testing.B, l *Log, ev Event) {
		var wg sync.WaitGroup
		for h := range hosts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := l.Append(record(ev, h)); err != nil {
					b.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	batch := func(b *testing.B, l *Log, ev Event) {
		rs := make([]Record, hosts)
		for h := range rs {
			rs[h] = record(ev, h)
		}
		_, errs := l.AppendBatch(rs)
		if err := errors.Join(errs...); err != nil {
			b.Error(err)
		}
	}
	for _, tc := range []struct {
		name   string
		append func(*testing.B, *Log, Event)
	}{{"concurrent", concurrent}, {"batch", batch}} {
		b.Run(tc.name, func(b *testing.B) {
			l, err := Open(filepath.Join(b.TempDir(), "audit.jsonl"))
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			var syncs atomic.Int64
			realSync := l.sync
			l.sync = func() error { syncs.Add(1); return realSync() }
			for b.Loop() {
				tc.append(b, l, EventStepStart)
				tc.append(b, l, EventStepFinish)
			}
			b.ReportMetric(float64(2*hosts*b.N)/float64(syncs.Load()), "records/fsync")
		})
	}
}
