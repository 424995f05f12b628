package runbooks

import (
	"fmt"
	"os"

	"github.com/hashicorp/hcl/v2"
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
			Detail: fmt.Sprintf("%s is a %s; give the path of a regular file.", path, kind(st.Mode()))}
	case st.Size() > MaxInputFile:
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: fmt.Sprintf("The %s is too large", what),
			Detail: fmt.Sprintf("%s is %d bytes; mend reads at most %d bytes (%d MiB) from a %s.", path, st.Size(), MaxInputFile, MaxInputFile>>20, what)}
	}
	return nil
}

func kind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&os.ModeCharDevice != 0:
		return "character device"
	case m&os.ModeDevice != 0:
		return "block device"
	case m&os.ModeNamedPipe != 0:
		return "FIFO"
	case m&os.ModeSocket != 0:
		return "socket"
	}
	return "special file"
}
