package main

import (
	"io"

	"github.com/hashicorp/hcl/v2"
)

// printDiags renders diagnostics as HCL does: "Error: Summary", then
// "on FILE line N, in BLOCK:" with the source line, then the detail.
func printDiags(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics, color bool) {
	if len(diags) == 0 {
		return
	}
	wr := hcl.NewDiagnosticTextWriter(w, files, 100, color)
	_ = wr.WriteDiagnostics(diags)
}

func mergeFiles(maps ...map[string]*hcl.File) map[string]*hcl.File {
	out := map[string]*hcl.File{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}
