package runbooks

import (
	"bytes"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// MaxHeredocLines is the longest heredoc Load accepts without a warning.
// hclsyntax parses a heredoc in time quadratic in its lines: about 0.15 s
// for 1,000 lines and 10 s for 16,000 (a 1 MiB file) on a loaded 2-core
// machine. Content that long belongs in a file read with file(),
// filebase64() or the file step's source.
const MaxHeredocLines = 1000

// heredocWarnings warns about each heredoc of more than MaxHeredocLines
// lines, at its opening line.
func heredocWarnings(file *hcl.File) hcl.Diagnostics {
	body, ok := file.Body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	var diags hcl.Diagnostics
	_ = hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
		t, ok := n.(*hclsyntax.TemplateExpr)
		if !ok {
			return nil
		}
		r := t.SrcRange
		lines := r.End.Line - r.Start.Line - 1
		if lines <= MaxHeredocLines || r.Start.Byte+2 > len(file.Bytes) || !bytes.HasPrefix(file.Bytes[r.Start.Byte:], []byte("<<")) {
			return nil
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "Heredoc too long to parse quickly",
			Detail: fmt.Sprintf("This heredoc has %d lines; mend's HCL parser takes time quadratic in a heredoc's lines "+
				"(seconds past a few thousand). Put the content in a file next to the runbook and use file(\"name\") "+
				"(filebase64 for binary content), or the file step's source argument.", lines),
			Subject: &hcl.Range{Filename: r.Filename, Start: r.Start, End: r.Start},
		})
		return nil
	})
	return diags
}
