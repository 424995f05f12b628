package views

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mend-sh/mend/engine"
)

// TestNewPicksTheFormat: each -format name gives the view that renders
// that format (the same bytes as the golden files), an unknown name an
// error that lists the names.
func TestNewPicksTheFormat(t *testing.T) {
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			var out bytes.Buffer
			v, err := New(format, Options{Out: &out})
			if err != nil {
				t.Fatal(err)
			}
			if err := v.Run(sampleRun(engine.ModePlan)); err != nil {
				t.Fatal(err)
			}
			golden(t, map[string]string{"text": "plan.txt", "markdown": "plan.md", "json": "plan.json"}[format], out.Bytes())
		})
	}
	if _, err := New("yaml", Options{}); err == nil || !strings.Contains(err.Error(), "use text, markdown or json") {
		t.Errorf("New(yaml) = %v, want an error listing the formats", err)
	}
}

// TestProgressHook: the text view reports each finished host of an apply
// on Progress, and nothing for a plan; markdown and JSON never.
func TestProgressHook(t *testing.T) {
	s := &engine.StepRun{Address: "repair.file.x\x1b[2J"}
	h := &engine.HostRun{Host: "web-1", Status: engine.StatusChanged}
	for _, tc := range []struct {
		format string
		mode   engine.Mode
		want   string
	}{
		{"text", engine.ModeApply, "repair.file.x\\x1b[2J on web-1: changed\n"},
		{"text", engine.ModePlan, ""},
		{"markdown", engine.ModeApply, ""},
		{"json", engine.ModeApply, ""},
	} {
		var progress bytes.Buffer
		v, err := New(tc.format, Options{Out: &bytes.Buffer{}, Progress: &progress})
		if err != nil {
			t.Fatal(err)
		}
		v.Hook(tc.mode).HostDone(s, h)
		if progress.String() != tc.want {
			t.Errorf("%s %s: progress %q, want %q", tc.format, tc.mode, progress.String(), tc.want)
		}
	}
}
