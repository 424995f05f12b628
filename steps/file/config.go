package file

import (
	"path"
	"strconv"
	"strings"

	"github.com/mend-sh/mend/internal/localfile"
	"github.com/mend-sh/mend/steps"
)

// Config is the arguments of a `repair "file"` block.
type Config struct {
	// Path is the absolute, clean path of the file on the host.
	Path string `hcl:"path"`
	// Content is the file's complete desired content. Exactly one of
	// Content and Source is set.
	Content *string `hcl:"content,optional"`
	// Source names a local file (on the machine running mend; relative to
	// the runbook's directory) whose bytes are the desired content, read
	// as they are: no HCL parsing, no Unicode normalisation, binary kept.
	Source string `hcl:"source,optional"`
	// Mode is the desired permission bits in octal ("0644", "4755"); empty
	// keeps an existing file's mode and gives a new file 0644.
	Mode string `hcl:"mode,optional"`
	// Owner and Group are the desired user and group names; empty keeps
	// the existing ones (a new file gets those of the writing user).
	Owner string `hcl:"owner,optional"`
	Group string `hcl:"group,optional"`
	// Backup keeps the replaced content as <path>.mend-backup-<unix time>.
	Backup bool `hcl:"backup,optional"`
}

// SetRunbookDir implements steps.LocalFileConfig: a relative Source is
// made relative to the runbook's directory.
func (c *Config) SetRunbookDir(dir string) {
	if c.Source != "" {
		c.Source = localfile.Path(dir, c.Source)
	}
}

// ReadConfig is the arguments of a `diagnose "file_read"` block.
type ReadConfig struct {
	// Path is the absolute, clean path of the file on the host.
	Path string `hcl:"path"`
}

// validatePath requires an absolute, clean path.
func validatePath(p string) error {
	if !path.IsAbs(p) {
		return steps.ArgErrorf("path", "path must be absolute, got %q", p)
	}
	if clean := path.Clean(p); clean != p {
		return steps.ArgErrorf("path", "path %q is not clean; did you mean %q?", p, clean)
	}
	return nil
}

// validateSource requires exactly one of content and source, and a
// source that is a readable regular file of at most 16 MiB.
func validateSource(c *Config) error {
	switch {
	case c.Content != nil && c.Source != "":
		return steps.ArgErrorf("source", "give content or source, not both")
	case c.Content == nil && c.Source == "":
		return steps.Errorf(steps.ClassConfig, "the file's content is missing: set content, or source to a local file")
	case c.Source != "":
		if err := localfile.Check("", c.Source); err != nil {
			return steps.ArgErrorf("source", "%v", err)
		}
	}
	return nil
}

// parseMode parses an octal mode of at most 07777; "" is 0, meaning "keep".
func parseMode(s string) (uint32, error) {
	if s == "" {
		return 0, nil
	}
	m, err := strconv.ParseUint(s, 8, 32)
	if err != nil || m > 0o7777 {
		return 0, steps.Errorf(steps.ClassConfig, "mode must be octal permission bits like \"0644\", got %q", s)
	}
	if m == 0 {
		return 0, steps.Errorf(steps.ClassConfig, "mode %q is not supported: a file must be readable by someone", s)
	}
	return uint32(m), nil
}

// validateName checks an owner or group name.
func validateName(arg, name string) error {
	if strings.ContainsAny(name, " \t\n:") {
		return steps.Errorf(steps.ClassConfig, "%s must be a single name, got %q", arg, name)
	}
	return nil
}
