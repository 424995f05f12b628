package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/runbooks"
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

// TestParallelismBound: with Parallelism 2, five hosts never run more
// than two at a time (and do run two at a time).
func TestParallelismBound(t *testing.T) {
	dir := t.TempDir()
	var inv strings.Builder
	for i := 0; i < 5; i++ {
		fmt.Fprintf(&inv, "host \"h%d\" {\n  address = \"local\"\n  groups  = [\"all\"]\n}\n", i)
	}
	in, diags := runbooks.LoadInventory("inv.mend.hcl", []byte(inv.String()))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	rb, diags := load("rb.mend.hcl", []byte(`
diagnose "sh" "span" {
  on      = "all"
  command = "s=$(date +%s%N); sleep 0.25; echo $s $(date +%s%N) > `+dir+`/span-${host.name}"
}
`), testRegistry())
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	eng := engine.New(engine.Options{Registry: testRegistry(), Connector: localConnector{}, Parallelism: 2})
	run, err := eng.Apply(context.Background(), engine.Request{Runbook: rb, Inventory: in})
	if err != nil || run.Failed() {
		t.Fatalf("apply: %v %+v", err, run)
	}
	sp := spans(t, dir)
	most := 0
	for _, s := range sp {
		n := 0
		for _, o := range sp {
			if o[0] <= s[0] && s[0] < o[1] {
				n++ // o was running when s started (s counts itself)
			}
		}
		most = max(most, n)
	}
	if most != 2 {
		t.Errorf("at most %d hosts ran at once, want 2 (spans %v)", most, sp)
	}
}
