package disk

import (
	"path"
	"time"

	"github.com/mend-sh/mend/steps"
)

// Config is the arguments of a `diagnose "disk"` block.
type Config struct {
	// Path selects the mount holding it; empty means every mount df lists.
	Path string `hcl:"path,optional"`
	// Largest is a directory whose biggest entries (by disk usage, on its
	// own filesystem) are listed; empty means no scan.
	Largest string `hcl:"largest,optional"`
	// Top is how many entries `largest` lists (default 10, at most 100).
	Top int `hcl:"top,optional"`
	// Depth is how deep below Largest entries are listed (default 3, at
	// most 20); usage below that depth counts toward the listed parent.
	Depth int `hcl:"depth,optional"`
	// MaxEntries bounds how many filesystem entries the scan reads
	// (default 200000, at most 5000000); a cut scan says so.
	MaxEntries int `hcl:"max_entries,optional"`
	// ScanTimeout bounds the scan's time (default "20s").
	ScanTimeout string `hcl:"scan_timeout,optional"`
	// DeletedOpen lists files deleted but still held open by a process.
	DeletedOpen bool `hcl:"deleted_open,optional"`
}

// Defaults and limits of the scan.
const (
	defaultTop        = 10
	maxTop            = 100
	defaultDepth      = 3
	maxDepth          = 20
	defaultMaxEntries = 200000
	maxMaxEntries     = 5000000
	defaultScanTime   = 20 * time.Second
	// maxDeleted bounds how many deleted-but-open descriptors are listed.
	maxDeleted = 500
	// maxMounts bounds how many mounts are parsed.
	maxMounts = 2000
)

// settings is Config with defaults applied and the timeout parsed.
type settings struct {
	path, largest          string
	top, depth, maxEntries int
	scanTimeout            time.Duration
	deletedOpen            bool
}

// Check validates the arguments and returns the settings the step
// runs with; ValidateConfig and Diagnose both call it through
// hostscript.Check.
func (c *Config) Check() (settings, error) {
	s := settings{path: c.Path, largest: c.Largest, top: c.Top, depth: c.Depth, maxEntries: c.MaxEntries,
		scanTimeout: defaultScanTime, deletedOpen: c.DeletedOpen}
	for _, p := range []struct{ name, value string }{{"path", c.Path}, {"largest", c.Largest}} {
		if p.value != "" && (!path.IsAbs(p.value) || path.Clean(p.value) != p.value) {
			return s, steps.Errorf(steps.ClassConfig, "%s must be an absolute, clean path (like %q), got %q", p.name, path.Clean("/"+p.value), p.value)
		}
	}
	var err error
	if s.top, err = bounded("top", c.Top, defaultTop, maxTop); err != nil {
		return s, err
	}
	if s.depth, err = bounded("depth", c.Depth, defaultDepth, maxDepth); err != nil {
		return s, err
	}
	if s.maxEntries, err = bounded("max_entries", c.MaxEntries, defaultMaxEntries, maxMaxEntries); err != nil {
		return s, err
	}
	if c.ScanTimeout != "" {
		d, err := time.ParseDuration(c.ScanTimeout)
		if err != nil || d < time.Second || d > 10*time.Minute {
			return s, steps.Errorf(steps.ClassConfig, "scan_timeout must be a duration from 1s to 10m (like \"20s\"), got %q", c.ScanTimeout)
		}
		s.scanTimeout = d
	}
	return s, nil
}

// bounded applies a default to zero and checks 1..max.
func bounded(name string, v, def, max int) (int, error) {
	if v == 0 {
		return def, nil
	}
	if v < 1 || v > max {
		return 0, steps.Errorf(steps.ClassConfig, "%s must be from 1 to %d, got %d", name, max, v)
	}
	return v, nil
}
