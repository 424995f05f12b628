package runbooks

import (
	"encoding/base64"
	"fmt"
	"os"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/mend-sh/mend/internal/localfile"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// fileFunc is Terraform's file(path): the content of a local file as a
// UTF-8 string. A relative path is relative to dir, the directory of the
// runbook (Terraform writes "${path.module}/x"; a runbook is its own
// module); the file must be regular and at most 16 MiB (localfile.Read).
// A file that is not UTF-8 is refused: filebase64 reads those.
func fileFunc(dir string) function.Function {
	return function.New(&function.Spec{
		Description: "Reads a local file, relative to the runbook's directory, as a UTF-8 string.",
		Params:      []function.Parameter{{Name: "path", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cachedRead(dir, args[0].AsString(), false, func(b []byte) (cty.Value, error) {
				if !utf8.Valid(b) {
					return cty.UnknownVal(cty.String), fmt.Errorf("%s is not UTF-8 text; use filebase64 for binary content", args[0].AsString())
				}
				// b is this call's own buffer, never written again: the
				// string shares it rather than copy a file of up to 16 MiB
				// (issue 12: validate of a 1 MiB file under 50 ms).
				return cty.StringVal(unsafe.String(unsafe.SliceData(b), len(b))), nil
			})
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
			return cachedRead(dir, args[0].AsString(), true, func(b []byte) (cty.Value, error) {
				return cty.StringVal(base64.StdEncoding.EncodeToString(b)), nil
			})
		},
	})
}

// fileKey identifies a file's version: a run evaluates file() in several
// checks and on every host, and must not read and convert a large file
// each time.
type fileKey struct {
	path   string
	size   int64
	mtime  int64
	base64 bool
}

// maxCachedFiles bounds fileCache; past it the cache starts afresh.
const maxCachedFiles = 16

var fileCache struct {
	sync.Mutex
	m map[fileKey]cty.Value
}

// cachedRead returns conv of the file's bytes, reusing the value for an
// unchanged file (same path, size and modification time). Errors are not
// cached.
func cachedRead(dir, p string, base64 bool, conv func([]byte) (cty.Value, error)) (cty.Value, error) {
	var key fileKey
	if st, err := os.Stat(localfile.Path(dir, p)); err == nil && st.Mode().IsRegular() {
		key = fileKey{localfile.Path(dir, p), st.Size(), st.ModTime().UnixNano(), base64}
		fileCache.Lock()
		v, ok := fileCache.m[key]
		fileCache.Unlock()
		if ok {
			return v, nil
		}
	}
	b, err := localfile.Read(dir, p)
	if err != nil {
		return cty.UnknownVal(cty.String), err
	}
	v, err := conv(b)
	if err != nil || key.path == "" {
		return v, err
	}
	fileCache.Lock()
	if fileCache.m == nil || len(fileCache.m) >= maxCachedFiles {
		fileCache.m = map[fileKey]cty.Value{}
	}
	fileCache.m[key] = v
	fileCache.Unlock()
	return v, nil
}
