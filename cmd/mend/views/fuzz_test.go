package views

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mend-sh/mend/engine"
	"github.com/mend-sh/mend/runbooks"
	"github.com/mend-sh/mend/steps/builtin"
)

// maxDiagOutput bounds what the diagnostics of one input file may print:
// MaxDiagsPerFile diagnostics of a bounded size each, and the "and N
// more" line.
const maxDiagOutput = 64 << 10

// FuzzDiagnostics loads arbitrary bytes as a runbook, validates it with
// every step type, and prints the diagnostics as `mend validate` does:
// the output stays under maxDiagOutput and holds no control byte but
// newline, whatever the file (issue 7.5: one 20 KB line of '@' printed
// 402 MB, 64 KiB of NUL bytes 4.3 GB). Its seeds, the runbook examples
// and testdata/fuzz/FuzzDiagnostics run as tests; `make fuzz` runs it
// for a set time.
func FuzzDiagnostics(f *testing.F) {
	for _, glob := range []string{"../../../examples/*/*.mend.hcl", "../../../runbooks/testdata/invalid/*.mend.hcl"} {
		files, _ := filepath.Glob(glob)
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(strings.Repeat("@", 20<<10)))
	f.Add(make([]byte, 64<<10))
	f.Add([]byte(strings.Repeat("{", 100000)))
	f.Add([]byte("diagnose \"command\" \"x\" {\n  command = \"\x1b[8m\" \x1b[31m\n}\n"))
	f.Add([]byte("repair \"file\" \"f\" {\n  path = \"rel\xff\xfe\u202e\"\n  content = 1\n  bogus = \"\x00\x07\"\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		rb, diags := runbooks.Load("fuzz.mend.hcl", src)
		diags = append(diags, engine.Validate(rb, builtin.Registry())...)
		var out bytes.Buffer
		Diagnostics{W: &out, Files: rb.Files}.Write(diags)
		if out.Len() > maxDiagOutput {
			t.Fatalf("%d diagnostics printed %d bytes (limit %d)", len(diags), out.Len(), maxDiagOutput)
		}
		for i, c := range out.Bytes() {
			if (c < 0x20 && c != '\n') || c == 0x7f {
				t.Fatalf("output byte %d is the control byte %#x: %q", i, c, out.Bytes()[max(0, i-40):min(out.Len(), i+40)])
			}
		}
	})
}
