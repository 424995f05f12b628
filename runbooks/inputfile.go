package runbooks

import (
	"fmt"
	"os"

	"github.com/hashicorp/hcl/v2"

	"github.com/mend-sh/mend/internal/localfile"
)

// MaxInputFile is the largest runbook, inventory or variable file mend
// reads (4 MiB): a real one is a few KiB; /dev/zero or a log file given by
// mistake must not be read into memory.
const MaxInputFile = 4 << 20

// CheckInputFile refuses, before anything is read, a file that is not a
// regular file (a device, a FIFO, a directory) or is over MaxInputFile.
// what names the file's role ("runbook", "inventory", "variable file").
func CheckInputFile(path, what string) *hcl.Diagnostic {
	st, err := os.Stat(path)
	switch {
	case err != nil:
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: fmt.Sprintf("Cannot read %s", what),
			Detail: fmt.Sprintf("%s: %v.", path, err)}
	case !st.Mode().IsRegular():
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: fmt.Sprintf("The %s is not a regular file", what),
			Detail: fmt.Sprintf("%s is a %s; give the path of a regular file.", path, localfile.Kind(st.Mode()))}
	case st.Size() > MaxInputFile:
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: fmt.Sprintf("The %s is too large", what),
			Detail: fmt.Sprintf("%s is %d bytes; mend reads at most %d bytes (%d MiB) from a %s.", path, st.Size(), MaxInputFile, MaxInputFile>>20, what)}
	}
	return nil
}

// MaxNesting bounds how deeply brackets ({, [, ( and "${") may nest in an
// input file. The parser recurses once per level; 100,000 levels (a 200 KB
// file) overflowed Go's stack and crashed mend.
const MaxNesting = 1000

// CheckNesting is a cheap scan before parsing: it counts open brackets
// (inside strings too, which only overcounts) and reports the line where
// the depth first exceeds MaxNesting.
func CheckNesting(path string, src []byte) *hcl.Diagnostic {
	depth, line := 0, 1
	for i, c := range src {
		switch c {
		case '\n':
			line++
		case '{', '[', '(':
			depth++
		case '}', ']', ')':
			depth = max(0, depth-1)
		}
		if depth > MaxNesting {
			pos := hcl.Pos{Line: line, Column: 1, Byte: i}
			return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Nesting too deep",
				Detail:  fmt.Sprintf("Brackets nest more than %d levels deep here; mend refuses such a file instead of parsing it.", MaxNesting),
				Subject: &hcl.Range{Filename: path, Start: pos, End: pos}}
		}
	}
	return nil
}

// CheckInputs refuses the inputs of a run before any is parsed: the
// runbook, the variable files and the inventory ("" for none), each a
// regular file within MaxInputFile (CheckInputFile) and not nested too
// deep (CheckNesting).
func CheckInputs(runbook string, varFiles []string, inventory string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	add := func(p, what string) {
		if d := CheckInputFile(p, what); d != nil {
			diags = append(diags, d)
		} else if src, err := os.ReadFile(p); err == nil {
			if d := CheckNesting(p, src); d != nil {
				diags = append(diags, d)
			}
		}
	}
	add(runbook, "runbook")
	for _, f := range varFiles {
		add(f, "variable file")
	}
	if inventory != "" {
		add(inventory, "inventory")
	}
	return diags
}
