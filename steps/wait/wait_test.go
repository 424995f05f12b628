package wait_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/assert"
	"github.com/mend-sh/mend/steps/httpcheck"
	"github.com/mend-sh/mend/steps/wait"
	"github.com/mend-sh/mend/transport/local"
)

// newWait builds wait_until over a registry that also holds it, as
// steps/builtin does: the lookup is bound after the registry exists.
func newWait() *wait.Type {
	var reg *steps.Registry
	w := wait.New(func(name string) steps.Diagnoser { return reg.Diagnoser(name) })
	reg = steps.NewRegistry([]steps.Diagnoser{w, httpcheck.Type{}, assert.Type{}}, nil)
	return w
}

// scripted serves the given statuses in turn; the last one repeats.
func scripted(t *testing.T, statuses ...int) (*httptest.Server, func() int) {
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		status := statuses[min(n, len(statuses)-1)]
		n++
		mu.Unlock()
		w.WriteHeader(status)
		fmt.Fprintf(w, "status %d", status)
	}))
	t.Cleanup(srv.Close)
	return srv, func() int { mu.Lock(); defer mu.Unlock(); return n }
}

// run decodes src against var.url = url and runs it with the timeout.
func run(t *testing.T, src, url string, timeout time.Duration) (steps.DiagnoseResponse, error) {
	t.Helper()
	w := newWait()
	ev := vars(map[string]any{"url": url, "no": false})
	cfg := decode(t, w, ev, src)
	if err := w.ValidateConfig(cfg); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return w.Diagnose(ctx, steps.DiagnoseRequest{Config: cfg, Host: local.Host{}, Timeout: timeout, Eval: ev})
}

// result is what the tests compare.
type result struct {
	Satisfied  bool
	Attempts   int64
	LastStatus int64
	Class      steps.ErrorClass
}

func summarize(resp steps.DiagnoseResponse, err error) result {
	r := result{Class: steps.Classify(err)}
	if resp.Output.IsNull() || !resp.Output.IsKnown() {
		return r
	}
	r.Satisfied = resp.Output.GetAttr("satisfied").True()
	r.Attempts, _ = resp.Output.GetAttr("attempts").AsBigFloat().Int64()
	if last := resp.Output.GetAttr("last"); !last.IsNull() && last.Type().HasAttribute("status") {
		r.LastStatus, _ = last.GetAttr("status").AsBigFloat().Int64()
	}
	return r
}

const readyz = `
interval = "100ms"
stable_for = "%s"
check "http_check" {
  url     = var.url
  via_ssh = var.no
}
until = self.ok
`

func TestBecomesReady(t *testing.T) {
	srv, served := scripted(t, 503, 503, 503, 200)
	resp, err := run(t, fmt.Sprintf(readyz, "0s"), srv.URL, 10*time.Second)
	if diff := cmp.Diff(result{Satisfied: true, Attempts: 4, LastStatus: 200}, summarize(resp, err)); diff != "" {
		t.Errorf("(-want +got):\n%s\nerr: %v", diff, err)
	}
	if served() != 4 {
		t.Errorf("server answered %d requests, want 4", served())
	}
}

// TestStableFor proves the window: with ok, fail, ok, ok, ... the first ok
// does not count, and the second run of oks must last 250 ms: attempt 6
// (attempts 3 to 6, 100 ms apart) on a quiet machine; 4 or 5 if the
// machine is so loaded that attempts drift apart, never fewer.
func TestStableFor(t *testing.T) {
	tests := []struct {
		name           string
		statuses       []int
		stableFor      string
		minTry, maxTry int64
	}{
		{"flap then stable", []int{200, 503, 200}, "250ms", 4, 6},
		{"no window: first ok wins", []int{200, 503, 200}, "0s", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := scripted(t, tt.statuses...)
			resp, err := run(t, fmt.Sprintf(readyz, tt.stableFor), srv.URL, 10*time.Second)
			got := summarize(resp, err)
			if !got.Satisfied || got.LastStatus != 200 || got.Attempts < tt.minTry || got.Attempts > tt.maxTry {
				t.Errorf("got %+v, want satisfied with status 200 after %d to %d attempts\nerr: %v\n%s", got, tt.minTry, tt.maxTry, err, strings.Join(resp.Details, "\n"))
			}
		})
	}
}

func TestDeadline(t *testing.T) {
	flapping := []int{200, 503, 200, 503, 200, 503, 200, 503, 200, 503, 200, 503}
	for _, tt := range []struct {
		name     string
		statuses []int
	}{{"never ready", []int{503}}, {"never stable", flapping}} {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := scripted(t, tt.statuses...)
			start := time.Now()
			resp, err := run(t, fmt.Sprintf(readyz, "250ms"), srv.URL, 700*time.Millisecond)
			got := summarize(resp, err)
			if got.Class != steps.ClassTimeout || got.Satisfied || got.Attempts < 3 {
				t.Errorf("got %+v (%v), want a timeout after several attempts", got, err)
			}
			if took := time.Since(start); took > time.Second {
				t.Errorf("took %s, more than the 700ms timeout allows", took)
			}
			if !strings.Contains(err.Error(), "last check: GET "+srv.URL) || !strings.Contains(resp.Summary, "not satisfied within 700ms") {
				t.Errorf("error %q / summary %q lack the last observation", err, resp.Summary)
			}
		})
	}
}

func TestDefaultUntilIsNoError(t *testing.T) {
	src := `
interval = "100ms"
check "assert" {
  condition = var.no
  message   = "still broken"
}
`
	resp, err := run(t, src, "", 450*time.Millisecond)
	if got := summarize(resp, err); got.Class != steps.ClassTimeout || got.Attempts < 2 {
		t.Errorf("got %+v, want a timeout after attempts that all failed", got)
	}
	if e := resp.Output.GetAttr("error").AsString(); e != "assertion failed: still broken" {
		t.Errorf("error attribute %q", e)
	}
}
