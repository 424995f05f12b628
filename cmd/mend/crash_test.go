package main

import (
	"bytes"
	"strings"
	"testing"
)

// panicWriter panics on the first write, as a bug deep in a view would.
type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("boom in a view") }

// TestPanicIsNotAResult: a crash in mend exits exitInternal (3), never 0
// or 2, which plan -detailed-exitcode defines as results, and says it is a
// bug.
func TestPanicIsNotAResult(t *testing.T) {
	var stderr bytes.Buffer
	code := Main([]string{"version"}, strings.NewReader(""), panicWriter{}, &stderr)
	if code == 0 || code == exitPending {
		t.Fatalf("exit %d after a panic", code)
	}
	if code != exitInternal || !strings.Contains(stderr.String(), "internal error (a bug in mend") || !strings.Contains(stderr.String(), "boom in a view") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr.String())
	}
}
