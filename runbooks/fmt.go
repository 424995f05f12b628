package runbooks

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// Format returns src in canonical layout (hclwrite.Format: indentation,
// aligned equals signs, spacing). It does not check the syntax: on input
// that does not parse the result is unspecified, so mend fmt calls
// FormatFile.
func Format(src []byte) []byte {
	return hclwrite.Format(src)
}

// FormatFile formats src after checking that it parses; on a syntax error
// it returns nil and the diagnostics (render them with a file map of
// {filename: &hcl.File{Bytes: src}}). Formatting is idempotent: formatting
// the result again changes nothing.
func FormatFile(filename string, src []byte) ([]byte, hcl.Diagnostics) {
	if _, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos); diags.HasErrors() {
		return nil, diags
	}
	return hclwrite.Format(src), nil
}
