package disk

import (
	"context"

	"github.com/mend-sh/mend/internal/hostscript"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Type is the `diagnose "disk"` step type.
type Type struct{}

var (
	_ steps.Diagnoser = Type{}
	_ steps.Validator = Type{}
)

// Name returns "disk".
func (Type) Name() string { return "disk" }

// NewConfig returns a new *Config.
func (Type) NewConfig() any { return &Config{} }

// Output is described at outputType.
func (Type) Output() cty.Type { return outputType }

// ValidateConfig checks the paths (absolute, clean) and the bounds.
func (Type) ValidateConfig(config any) error {
	_, err := hostscript.Check[settings, *Config](config)
	return err
}

// Diagnose reads the mounts (one, or all), then, when asked, scans for
// the largest entries and lists deleted-but-open files. With path set,
// deleted files on other filesystems are left out.
func (Type) Diagnose(ctx context.Context, req steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	s, err := hostscript.Check[settings, *Config](req.Config)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	var res result
	if res.mounts, res.notes, err = readMounts(ctx, req.Host, s.path); err != nil {
		return steps.DiagnoseResponse{}, err
	}
	if s.largest != "" {
		sc, err := scanLargest(ctx, req.Host, s)
		if err != nil {
			return steps.DiagnoseResponse{}, err
		}
		res.scan = &sc
	}
	if s.deletedOpen {
		files, more, err := readDeleted(ctx, req.Host, maxDeleted)
		if err != nil {
			return steps.DiagnoseResponse{}, err
		}
		res.deleted, res.deletedMore = placeDeleted(files, res.mounts, s.path != ""), more
		res.askedDeleted = true
	}
	res.largestPath = s.largest
	return res.response(), nil
}

// placeDeleted names each deleted file's mount, and with onlyListed
// drops those on mounts not listed (the step asked about one path).
func placeDeleted(files []deletedFile, mounts []mount, onlyListed bool) []deletedFile {
	byDev := map[string]string{}
	for _, m := range mounts {
		if m.Dev != "" {
			byDev[m.Dev] = m.Mount
		}
	}
	var out []deletedFile
	for _, f := range files {
		f.Mount = byDev[f.Dev]
		if onlyListed && f.Mount == "" {
			continue
		}
		out = append(out, f)
	}
	return out
}
