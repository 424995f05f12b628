package runbooks

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
)

// markerRE finds the expected diagnostics written on a fixture line:
// `# ERROR: Reference to a later step` (several may share a line).
var markerRE = regexp.MustCompile(`(ERROR|WARNING): ([^#]+)`)

// wantMarkers returns "line: SEVERITY: summary" for every marker in src.
func wantMarkers(t *testing.T, src []byte) []string {
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

// gotMarkers renders diagnostics like wantMarkers, checking on the way
// that each has a subject in the file and follows the house style.
func gotMarkers(t *testing.T, filename string, diags hcl.Diagnostics) []string {
	t.Helper()
	var got []string
	for _, d := range diags {
		checkStyle(t, d)
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

// checkStyle enforces STYLE rule 2 on our own diagnostics (and hcl's).
func checkStyle(t *testing.T, d *hcl.Diagnostic) {
	t.Helper()
	if d.Summary == "" || !unicode.IsUpper([]rune(d.Summary)[0]) || strings.HasSuffix(d.Summary, ".") {
		t.Errorf("summary %q: want a capitalised phrase without a period", d.Summary)
	}
	if d.Detail != "" && !strings.HasSuffix(d.Detail, ".") && !strings.HasSuffix(d.Detail, "?") {
		t.Errorf("detail of %q does not end a sentence: %q", d.Summary, d.Detail)
	}
}

func fixtures(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures match %s (%v)", pattern, err)
	}
	return files
}

// TestInvalidRunbooks loads each invalid fixture and checks that the
// diagnostics are exactly those written on the offending lines.
func TestInvalidRunbooks(t *testing.T) {
	reg := testRegistry()
	for _, file := range fixtures(t, "testdata/invalid/*.mend.hcl") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want := wantMarkers(t, src)
			if len(want) == 0 {
				t.Fatal("fixture has no ERROR markers")
			}
			_, diags := Load(file, src, reg)
			if diff := cmp.Diff(want, gotMarkers(t, file, diags)); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s\nfull:\n%s", diff, render(diags, file, src))
			}
		})
	}
}

// TestValidRunbooks loads each valid fixture: no diagnostics at all.
func TestValidRunbooks(t *testing.T) {
	reg := testRegistry()
	for _, file := range fixtures(t, "testdata/valid/*.mend.hcl") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			rb, diags := LoadFile(file, reg)
			if len(diags) > 0 {
				src, _ := os.ReadFile(file)
				t.Fatalf("unexpected diagnostics:\n%s", render(diags, file, src))
			}
			if len(rb.Steps) == 0 {
				t.Error("no steps decoded")
			}
		})
	}
}

func render(diags hcl.Diagnostics, filename string, src []byte) string {
	var buf bytes.Buffer
	w := hcl.NewDiagnosticTextWriter(&buf, map[string]*hcl.File{filename: {Bytes: src}}, 100, false)
	_ = w.WriteDiagnostics(diags)
	return buf.String()
}
