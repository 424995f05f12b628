package gitstatus

import (
	"path"
	"strings"
	"time"

	"github.com/mend-sh/mend/steps"
)

// Config is the arguments of a `diagnose "git_status"` block.
type Config struct {
	// Path is a directory in the checkout (absolute).
	Path string `hcl:"path"`
	// RemoteRef is the ref to count ahead/behind against ("origin/main");
	// empty: the branch's upstream, if it has one.
	RemoteRef string `hcl:"remote_ref,optional"`
	// Fetch runs `git fetch` for RemoteRef's remote first. It changes
	// the repository's remote-tracking refs (never the working tree or
	// the branch), so it is off unless asked.
	Fetch bool `hcl:"fetch,optional"`
	// MaxFiles bounds how many dirty files are listed (default 50, at
	// most 1000); the counts cover all of them.
	MaxFiles int `hcl:"max_files,optional"`
	// GitTimeout bounds each git command (default "20s", at most "5m").
	GitTimeout string `hcl:"git_timeout,optional"`
}

const (
	defaultMaxFiles = 50
	maxMaxFiles     = 1000
	defaultTimeout  = 20 * time.Second
	// maxStatusBytes bounds the status listing read from the host.
	maxStatusBytes = 1 << 20
)

// settings is Config checked, with defaults.
type settings struct {
	path, ref string
	fetch     bool
	maxFiles  int
	timeout   time.Duration
}

// Check validates the arguments and returns the settings the step
// runs with; ValidateConfig and Diagnose both call it through
// hostscript.Check.
func (c *Config) Check() (settings, error) {
	s := settings{path: c.Path, ref: c.RemoteRef, fetch: c.Fetch, maxFiles: c.MaxFiles, timeout: defaultTimeout}
	if !path.IsAbs(c.Path) || path.Clean(c.Path) != c.Path {
		return s, steps.ArgErrorf("path", "git_status: path must be an absolute, clean path to a directory of the checkout, got %q", c.Path)
	}
	if strings.HasPrefix(c.RemoteRef, "-") || strings.ContainsAny(c.RemoteRef, " \t\n\x00~^:?*[\\") {
		return s, steps.ArgErrorf("remote_ref", "git_status: remote_ref %q is not a ref name (like \"origin/main\")", c.RemoteRef)
	}
	if c.Fetch && c.RemoteRef != "" && !strings.Contains(c.RemoteRef, "/") {
		return s, steps.ArgErrorf("remote_ref", "git_status: with fetch, remote_ref must name its remote (\"origin/main\"), got %q", c.RemoteRef)
	}
	switch {
	case c.MaxFiles == 0:
		s.maxFiles = defaultMaxFiles
	case c.MaxFiles < 1 || c.MaxFiles > maxMaxFiles:
		return s, steps.ArgErrorf("max_files", "git_status: max_files must be from 1 to %d, got %d", maxMaxFiles, c.MaxFiles)
	}
	if c.GitTimeout != "" {
		d, err := time.ParseDuration(c.GitTimeout)
		if err != nil || d < time.Second || d > 5*time.Minute {
			return s, steps.ArgErrorf("git_timeout", "git_status: git_timeout must be a duration from 1s to 5m (like \"20s\"), got %q", c.GitTimeout)
		}
		s.timeout = d
	}
	return s, nil
}
