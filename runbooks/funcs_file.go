package runbooks

import (
	"encoding/base64"
	"fmt"
	"unicode/utf8"

	"github.com/mend-sh/mend/internal/localfile"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// fileFunc is Terraform's file(path): the content of a local file as a
// UTF-8 string. A relative path is relative to dir, the directory of the
// runbook (Terraform writes "${path.module}/x"; a runbook is its own
// module); the file must be regular and at most 16 MiB (localfile.Read). A file that is not UTF-8 is refused: filebase64 reads those.
func fileFunc(dir string) function.Function {
	return function.New(&function.Spec{
		Description: "Reads a local file, relative to the runbook's directory, as a UTF-8 string.",
		Params:      []function.Parameter{{Name: "path", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			b, err := localfile.Read(dir, args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			if !utf8.Valid(b) {
				return cty.UnknownVal(cty.String), fmt.Errorf("%s is not UTF-8 text; use filebase64 for binary content", args[0].AsString())
			}
			return cty.StringVal(string(b)), nil
		},
	})
}

// fileBase64Func is Terraform's filebase64(path): a local file's bytes,
// base64-encoded (standard alphabet, padded).
func fileBase64Func(dir string) function.Function {
	return function.New(&function.Spec{
		Description: "Reads a local file, relative to the runbook's directory, and returns its bytes base64-encoded.",
		Params:      []function.Parameter{{Name: "path", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			b, err := localfile.Read(dir, args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			return cty.StringVal(base64.StdEncoding.EncodeToString(b)), nil
		},
	})
}
