package audit

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// BenchmarkWriteBenchLog is not a measurement: it writes the large audit
// log scripts/bench.sh starts mend with (writeBigLog: a valid chain, head
// and run lock directory) at $MEND_BENCH_AUDIT_LOG, of
// $MEND_BENCH_AUDIT_BYTES bytes (default 1 GiB), and is skipped without
// the first:
//
//	MEND_BENCH_AUDIT_LOG=/tmp/x/audit.jsonl go test -run '^$' -bench WriteBenchLog -benchtime 1x ./audit/
func BenchmarkWriteBenchLog(b *testing.B) {
	path := os.Getenv("MEND_BENCH_AUDIT_LOG")
	if path == "" {
		b.Skip("MEND_BENCH_AUDIT_LOG is not set")
	}
	size := int64(1 << 30)
	if v, err := strconv.ParseInt(os.Getenv("MEND_BENCH_AUDIT_BYTES"), 10, 64); err == nil && v > 0 {
		size = v
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := os.Stat(path); err == nil {
			continue // written already (b.Loop may call again)
		}
		writeBigLog(b, path, size)
	}
}
