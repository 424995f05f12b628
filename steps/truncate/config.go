package truncate

import (
	"path"
	"strings"

	"github.com/mend-sh/mend/steps"
)

// Config is the arguments of a `repair "file_truncate"` block.
type Config struct {
	// Path is the file to empty.
	Path string `hcl:"path"`
	// AllowedPrefixes are directories the file (and what it resolves to)
	// must lie under; there is no default.
	AllowedPrefixes []string `hcl:"allowed_prefixes"`
	// KeepTailBytes keeps the file's last bytes in PATH.mend-tail (real
	// path) before emptying it; 0 keeps nothing. At most 4 MiB.
	KeepTailBytes int `hcl:"keep_tail_bytes,optional"`
}

// maxTail bounds keep_tail_bytes: the tail passes through mend.
const maxTail = 4 << 20

// TailSuffix is appended to the file's real path for the kept tail.
const TailSuffix = ".mend-tail"

func (c *Config) validate() error {
	fail := func(format string, args ...any) error {
		return steps.Errorf(steps.ClassConfig, "file_truncate: "+format, args...)
	}
	if !path.IsAbs(c.Path) || path.Clean(c.Path) != c.Path {
		return fail("path must be an absolute, clean path, got %q", c.Path)
	}
	if len(c.AllowedPrefixes) == 0 {
		return fail("allowed_prefixes must name at least one directory the file may be in")
	}
	for _, p := range c.AllowedPrefixes {
		if !path.IsAbs(p) || path.Clean(p) != p || p == "/" {
			return fail("allowed_prefixes: %q must be an absolute, clean directory other than /", p)
		}
	}
	if !under(c.Path, c.AllowedPrefixes) {
		return fail("%s is not under allowed_prefixes %q", c.Path, c.AllowedPrefixes)
	}
	if c.KeepTailBytes < 0 || c.KeepTailBytes > maxTail {
		return fail("keep_tail_bytes must be from 0 to %d, got %d", maxTail, c.KeepTailBytes)
	}
	return nil
}

// under reports whether p lies strictly below one of the prefixes.
func under(p string, prefixes []string) bool {
	for _, pre := range prefixes {
		if strings.HasPrefix(p, pre+"/") {
			return true
		}
	}
	return false
}
