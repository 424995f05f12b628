package file

import (
	"context"
	"fmt"
	"strings"

	"github.com/mend-sh/mend/internal/hostscript"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Read is the `diagnose "file_read"` step type: it reads one file on the
// host and reports its content and metadata. A missing file is not an
// error: exists is false.
type Read struct{}

var (
	_ steps.Diagnoser = Read{}
	_ steps.Validator = Read{}
)

// Name returns "file_read".
func (Read) Name() string { return "file_read" }

// NewConfig returns a new *ReadConfig.
func (Read) NewConfig() any { return &ReadConfig{} }

// Output is an object:
//
//	exists   bool    whether the file exists
//	content  string  the content (bytes that are not UTF-8 become U+FFFD)
//	sha256   string  hex SHA-256 of the raw content
//	mode     string  permission bits in octal: "0644"
//	owner    string  user name (a decimal uid when the host has no name)
//	group    string  group name (likewise)
//	size     number  length of the raw content in bytes
//
// When exists is false, the strings are empty and size is 0.
func (Read) Output() cty.Type {
	return cty.Object(map[string]cty.Type{
		"exists": cty.Bool, "content": cty.String, "sha256": cty.String,
		"mode": cty.String, "owner": cty.String, "group": cty.String, "size": cty.Number,
	})
}

// ValidateConfig requires an absolute, clean path.
func (Read) ValidateConfig(config any) error {
	c, err := steps.ConfigAs[*ReadConfig](config)
	if err != nil {
		return err
	}
	return validatePath(c.Path)
}

// Diagnose reads the file through req.Host. Details describe the
// certificates the file holds, if any; the summary never shows content.
func (Read) Diagnose(ctx context.Context, req steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	c, err := steps.ConfigAs[*ReadConfig](req.Config)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	if req.Host == nil {
		return steps.DiagnoseResponse{}, steps.Errorf(steps.ClassConfig, "file_read: the step needs a host (set `on`)")
	}
	f, err := req.Host.ReadFile(ctx, c.Path)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	if !f.Exists {
		return steps.DiagnoseResponse{Output: readOutput(f), Summary: c.Path + " does not exist"}, nil
	}
	details := describeCerts(f.Content)
	if c.ShowOutput {
		details = append(details, shownContent(string(f.Content), steps.ContainsSecret(f.Content) || req.SensitiveConfig)...)
	}
	return steps.DiagnoseResponse{Output: readOutput(f), Summary: readSummary(f), Details: details}, nil
}

// readOutput is the output for a file as read.
func readOutput(f steps.File) cty.Value {
	attrs := map[string]cty.Value{
		"exists": cty.BoolVal(f.Exists), "content": cty.StringVal(""), "sha256": cty.StringVal(""),
		"mode": cty.StringVal(""), "owner": cty.StringVal(""), "group": cty.StringVal(""), "size": cty.Zero,
	}
	if f.Exists {
		attrs["content"] = cty.StringVal(strings.ToValidUTF8(string(f.Content), "\uFFFD"))
		if steps.ContainsSecret(f.Content) {
			// Key material must never reach a plan or the audit log.
			attrs["content"] = steps.Sensitive(attrs["content"])
		}
		attrs["sha256"] = cty.StringVal(sha256Hex(f.Content))
		attrs["mode"] = cty.StringVal(formatMode(unixMode(f.Mode)))
		attrs["owner"] = cty.StringVal(f.Owner)
		attrs["group"] = cty.StringVal(f.Group)
		attrs["size"] = cty.NumberIntVal(int64(len(f.Content)))
	}
	return cty.ObjectVal(attrs)
}

// readSummary is "1234 bytes, 0644 root:root, sha256 0123456789ab…".
func readSummary(f steps.File) string {
	return fmt.Sprintf("%d bytes, %s %s:%s, sha256 %s…",
		len(f.Content), formatMode(unixMode(f.Mode)), f.Owner, f.Group, sha256Hex(f.Content)[:12])
}

// showLines is how many lines of the content show_output prints.
const showLines = 10

// shownContent is show_output's view of a file: its first lines
// (hostscript.ShowLines, as command and http_check show theirs), or one
// line saying it is hidden when it holds a secret.
func shownContent(content string, secret bool) []string {
	if secret {
		return []string{"| (output hidden: it holds a secret)"}
	}
	return hostscript.ShowLines(content, showLines)
}
