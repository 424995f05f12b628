// Package markers is the test harness for diagnostics fixtures: a
// fixture file writes the diagnostics it expects on the offending lines,
// as `# ERROR: Summary` or `# WARNING: Summary`, and a test compares them
// with what a loader reported. Used by the language's and the engine's
// tests.
package markers

import (
	"bufio"
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/hashicorp/hcl/v2"
)

// markerRE finds the expected diagnostics written on a fixture line:
// `# ERROR: Reference to a later step` (several may share a line).
var markerRE = regexp.MustCompile(`(ERROR|WARNING): ([^#]+)`)

// Want returns "line: SEVERITY: summary" for every marker in src.
func Want(t *testing.T, src []byte) []string {
	t.Helper()
	var want []string
	sc := bufio.NewScanner(bytes.NewReader(src))
	for line := 1; sc.Scan(); line++ {
		for _, m := range markerRE.FindAllStringSubmatch(sc.Text(), -1) {
			want = append(want, fmt.Sprintf("%d: %s: %s", line, m[1], strings.TrimSpace(m[2])))
		}
	}
	sort.Strings(want)
	return want
}

// Got renders diagnostics like Want, checking on the way
// that each has a subject in the file and follows the house style.
func Got(t *testing.T, filename string, diags hcl.Diagnostics) []string {
	t.Helper()
	var got []string
	for _, d := range diags {
		CheckStyle(t, d)
		if d.Subject == nil || d.Subject.Filename != filename {
			t.Errorf("diagnostic %q has no subject in %s: %v", d.Summary, filename, d.Subject)
			continue
		}
		sev := "ERROR"
		if d.Severity == hcl.DiagWarning {
			sev = "WARNING"
		}
		got = append(got, fmt.Sprintf("%d: %s: %s", d.Subject.Start.Line, sev, d.Summary))
	}
	sort.Strings(got)
	return got
}

// CheckStyle enforces STYLE rule 2 on our own diagnostics (and hcl's).
func CheckStyle(t *testing.T, d *hcl.Diagnostic) {
	t.Helper()
	if d.Summary == "" || !unicode.IsUpper([]rune(d.Summary)[0]) || strings.HasSuffix(d.Summary, ".") {
		t.Errorf("summary %q: want a capitalised phrase without a period", d.Summary)
	}
	if d.Detail != "" && !strings.HasSuffix(d.Detail, ".") && !strings.HasSuffix(d.Detail, "?") {
		t.Errorf("detail of %q does not end a sentence: %q", d.Summary, d.Detail)
	}
}

// Files returns the files matching pattern; none is a test failure.
func Files(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures match %s (%v)", pattern, err)
	}
	return files
}

// Render renders diagnostics as the CLI does, for failure messages.
func Render(diags hcl.Diagnostics, filename string, src []byte) string {
	var buf bytes.Buffer
	w := hcl.NewDiagnosticTextWriter(&buf, map[string]*hcl.File{filename: {Bytes: src}}, 100, false)
	_ = w.WriteDiagnostics(diags)
	return buf.String()
}
