package runbooks

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// FuzzLoad feeds arbitrary bytes to the parser and the static checks
// (without step types: engine.Validate adds those):
// no panic, and every error diagnostic points into the file (so a user is
// always told where). The seeds are the test fixtures.
//
//	go test -fuzz FuzzLoad -fuzztime 60s ./runbooks/
func FuzzLoad(f *testing.F) {
	for _, dir := range []string{"testdata/valid", "testdata/invalid"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.mend.hcl"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		rb, diags := Load("fuzz.mend.hcl", src)
		if rb == nil {
			t.Fatal("Load returned a nil Runbook")
		}
		diags = append(diags, rb.Check(nil)...)
		for _, d := range diags {
			if d.Severity == hcl.DiagError && d.Subject != nil && d.Subject.Filename != "fuzz.mend.hcl" {
				t.Errorf("diagnostic %q points at %q", d.Summary, d.Subject.Filename)
			}
		}
	})
}

// FuzzLoadInventory does the same for inventories.
func FuzzLoadInventory(f *testing.F) {
	files, _ := filepath.Glob("testdata/inventory/*/*.mend.hcl")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		_, _ = LoadInventory("fuzz.mend.hcl", src)
	})
}
