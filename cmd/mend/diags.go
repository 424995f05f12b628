package main

import (
	"io"

	"github.com/hashicorp/hcl/v2"
	"github.com/mend-sh/mend/cmd/mend/views"
)

// printDiags renders diagnostics as HCL does: "Error: Summary", then
// "on FILE line N, in BLOCK:" with the source line, then the detail;
// bounded and with control characters shown (views.Diagnostics).
func printDiags(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics, color bool) {
	views.Diagnostics{W: w, Files: files, Color: color}.Write(diags)
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
