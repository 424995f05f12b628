package runbooks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// The fuzz targets below run their seeds (the fixtures, the hostile
// inputs of issue 7.5 added by hostileSeeds, and the corpus committed
// under testdata/fuzz/<Target>) as ordinary tests on every `go test`;
// `make fuzz` runs each for a set time:
//
//	go test -run '^$' -fuzz '^FuzzLoad$' -fuzztime 60s ./runbooks/

// hostileSeeds are the inputs that once crashed mend or made it print
// gigabytes: one 20 KB line of '@', 64 KiB of NUL bytes, 100,000 levels
// of nesting, and an unterminated string and heredoc at the end of a file.
func hostileSeeds(f *testing.F) {
	f.Add([]byte(strings.Repeat("@", 20<<10)))
	f.Add(make([]byte, 64<<10))
	f.Add([]byte(strings.Repeat("{", 100000) + strings.Repeat("}", 100000)))
	f.Add([]byte("x = " + strings.Repeat("[", 100000)))
	f.Add([]byte("x = \"${" + strings.Repeat("(", 50000)))
	f.Add([]byte("x = <<EOT\n" + strings.Repeat("a\n", 1000)))
	f.Add([]byte("x = \"\x1b[8mhidden\x1b[28m\"\n"))
}

// fuzzDiagsInFiles fails when an error diagnostic does not point into one of
// the files named (so a user is always told where).
func fuzzDiagsInFiles(t *testing.T, diags hcl.Diagnostics, files ...string) {
	t.Helper()
	for _, d := range diags {
		if d.Severity != hcl.DiagError || d.Subject == nil {
			continue
		}
		ok := false
		for _, f := range files {
			ok = ok || d.Subject.Filename == f
		}
		if !ok {
			t.Errorf("diagnostic %q points at %q", d.Summary, d.Subject.Filename)
		}
	}
}

// FuzzLoad feeds arbitrary bytes to the parser and the static checks
// (without step types: engine.Validate adds those): no panic, no stack
// overflow, and every error diagnostic points into the file.
func FuzzLoad(f *testing.F) {
	for _, dir := range []string{"testdata/valid", "testdata/invalid"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.mend.hcl"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	hostileSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		rb, diags := Load("fuzz.mend.hcl", src)
		if rb == nil {
			t.Fatal("Load returned a nil Runbook")
		}
		diags = append(diags, rb.Check(nil)...)
		fuzzDiagsInFiles(t, diags, "fuzz.mend.hcl")
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
	hostileSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		inv, diags := LoadInventory("fuzz.mend.hcl", src)
		if inv == nil {
			t.Fatal("LoadInventory returned a nil Inventory")
		}
		fuzzDiagsInFiles(t, diags, "fuzz.mend.hcl")
	})
}

// fuzzVarsRunbook declares a variable of each kind a var file can set.
const fuzzVarsRunbook = `
variable "s" {
  type    = string
  default = "x"
}
variable "n" {
  type    = number
  default = 1
}
variable "l" {
  type    = list(string)
  default = []
}
variable "m" {
  type    = map(number)
  default = {}
}
variable "o" {
  type    = object({ a = string, b = optional(list(number)) })
  default = { a = "x" }
}
variable "pw" {
  type      = string
  sensitive = true
  default   = "canary-secret"
  validation {
    condition     = length(var.pw) > 3
    error_message = "Too short."
  }
}
`

// FuzzVarFile feeds arbitrary bytes as a -var-file and as a -var value
// (parsed as an expression for the list variable): no panic, no stack
// overflow, errors point into the var file or the -var value, and the
// sensitive variable's value is never quoted in a diagnostic.
func FuzzVarFile(f *testing.F) {
	f.Add([]byte("s = \"a\"\nn = 2\nl = [\"a\", \"b\"]\nm = { a = 1 }\no = { a = \"y\", b = [1] }\npw = \"canary-other\"\n"), []byte(`["a"]`))
	f.Add([]byte("pw = 1\nn = \"canary\"\n"), []byte(`[`))
	f.Add([]byte("o = { a = [canary-secret] }\nundeclared = 1\n"), []byte(`{}`))
	for _, b := range []string{strings.Repeat("@", 20<<10), strings.Repeat("[", 100000), string(make([]byte, 64<<10))} {
		f.Add([]byte("l = "+b), []byte(b))
	}
	f.Fuzz(func(t *testing.T, file, raw []byte) {
		rb, diags := Load("vars.mend.hcl", []byte(fuzzVarsRunbook))
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		path := filepath.Join(t.TempDir(), "fuzz.vars.hcl")
		if err := os.WriteFile(path, file, 0o600); err != nil {
			t.Fatal(err)
		}
		_, diags = rb.EvalVariables(map[string]string{"l": string(raw)}, []string{path})
		fuzzDiagsInFiles(t, diags, path, "<value for var.l>", "vars.mend.hcl")
		for _, d := range diags {
			if strings.Contains(d.Summary+d.Detail, "canary-secret") {
				t.Errorf("a diagnostic quotes the sensitive default: %s: %s", d.Summary, d.Detail)
			}
		}
	})
}
