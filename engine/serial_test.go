package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// spans reads "start end" nanosecond pairs the hosts wrote.
func spans(t *testing.T, dir string) [][2]int64 {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "span-*"))
	var out [][2]int64
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fs := strings.Fields(string(b))
		if len(fs) != 2 {
			t.Fatalf("%s: %q", f, b)
		}
		s, _ := strconv.ParseInt(fs[0], 10, 64)
		e, _ := strconv.ParseInt(fs[1], 10, 64)
		out = append(out, [2]int64{s, e})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

func TestSerialIsRollingParallelIsNot(t *testing.T) {
	for _, tc := range []struct {
		name    string
		serial  string
		overlap bool
	}{
		{"serial = 1 runs one host at a time", "serial = 1", false},
		{"default runs hosts in parallel", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := `
diagnose "sh" "span" {
  on      = "web"
  ` + tc.serial + `
  command = "s=$(date +%s%N); sleep 0.3; echo $s $(date +%s%N) > %DIR%/span-${host.name}"
}
`
			req, dir := setup(t, src, nil)
			run, err := newEngine(&memAudit{}).Apply(context.Background(), req)
			if err != nil || run.Failed() {
				t.Fatalf("apply: %v %+v", err, run.Steps[0].Hosts)
			}
			sp := spans(t, dir)
			if len(sp) != 2 {
				t.Fatalf("spans = %v, want 2", sp)
			}
			overlap := sp[1][0] < sp[0][1]
			if overlap != tc.overlap {
				t.Errorf("overlap = %v, want %v (spans %v)", overlap, tc.overlap, sp)
			}
		})
	}
}
