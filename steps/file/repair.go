package file

import (
	"context"
	"fmt"

	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Repair is the `repair "file"` step type: it makes a file on the host
// have the given content, and mode, owner and group when given. Plan
// reads the file and previews the change; Apply reads it again, writes it
// atomically through the host (optionally keeping a backup) and reads it
// back to verify.
type Repair struct{}

var (
	_ steps.Repairer  = Repair{}
	_ steps.Validator = Repair{}
)

// Name returns "file".
func (Repair) Name() string { return "file" }

// NewConfig returns a new *Config.
func (Repair) NewConfig() any { return &Config{} }

// Output is an object:
//
//	path         string  the file's path
//	sha256       string  hex SHA-256 of the content now at path
//	changed      bool    whether apply changed the file
//	backup_path  string  where the old content was kept; "" when no backup
func (Repair) Output() cty.Type {
	return cty.Object(map[string]cty.Type{
		"path": cty.String, "sha256": cty.String, "changed": cty.Bool, "backup_path": cty.String,
	})
}

// Dangerous returns false: installing a file is gated per block with
// `approval {}` where it matters.
func (Repair) Dangerous() bool { return false }

// ValidateConfig requires an absolute, clean path, exactly one of content
// and source (a regular local file of at most 16 MiB), an octal mode of
// at most 07777 (not 0000) and single-word owner and group names.
func (Repair) ValidateConfig(config any) error {
	c, err := steps.ConfigAs[*Config](config)
	if err != nil {
		return err
	}
	if err := validatePath(c.Path); err != nil {
		return err
	}
	if err := validateSource(c); err != nil {
		return err
	}
	if _, err := parseMode(c.Mode); err != nil {
		return err
	}
	if err := validateName("owner", c.Owner); err != nil {
		return err
	}
	return validateName("group", c.Group)
}

// Plan reads the file through the read-only host and compares it with
// the config: NoOp ("already converged") when content, mode, owner and
// group match, else Change with a diff and the metadata changes. The diff
// is replaced by digests when req.SensitiveConfig is set or either side
// holds a secret (steps.ContainsSecret). The
// planned output knows path, sha256 (of the desired content) and changed;
// backup_path is unknown when a backup will be made.
func (Repair) Plan(ctx context.Context, req steps.PlanRequest) (steps.PlanResponse, error) {
	d, cur, x, err := load(ctx, req.Config, req.Host)
	if err != nil {
		return steps.PlanResponse{}, err
	}
	if x.none() {
		return steps.PlanResponse{Action: steps.NoOp, Preview: steps.Preview{Summary: converged(d.path)},
			Output: output(d.path, sha256Hex(cur.Content), false, cty.StringVal(""))}, nil
	}
	backup := cty.StringVal("")
	if d.backup && cur.Exists {
		backup = cty.UnknownVal(cty.String)
	}
	return steps.PlanResponse{Action: steps.Change, Preview: preview(cur, d, x, req.SensitiveConfig),
		Output: output(d.path, sha256Hex(d.content), true, backup)}, nil
}

// Apply reads the file again (it may have changed since the plan), writes
// it when it differs, then reads it back: content, mode, owner and group
// must now match, else the step fails with class step, naming what
// differs. Summary and Details are the plan's preview, in short.
func (Repair) Apply(ctx context.Context, req steps.ApplyRequest) (steps.ApplyResponse, error) {
	d, cur, x, err := load(ctx, req.Config, req.Host)
	if err != nil {
		return steps.ApplyResponse{}, err
	}
	if x.none() {
		return steps.ApplyResponse{Summary: converged(d.path),
			Output: output(d.path, sha256Hex(cur.Content), false, cty.StringVal(""))}, nil
	}
	p := preview(cur, d, x, req.SensitiveConfig)
	res, err := req.Host.WriteFile(ctx, d.request())
	if err != nil {
		return steps.ApplyResponse{}, err
	}
	resp := steps.ApplyResponse{Changed: true, Summary: p.Summary, Details: p.Changes,
		Output: output(d.path, res.SHA256, true, cty.StringVal(res.BackupPath))}
	if res.BackupPath != "" {
		resp.Details = append(resp.Details, "backup: "+res.BackupPath)
	}
	for _, l := range res.LeftoversRemoved {
		resp.Details = append(resp.Details, "removed "+l+": the temporary file of an earlier write that was killed")
	}
	return resp, verify(ctx, req.Host, d)
}

// load decodes the config and reads the file's current state.
func load(ctx context.Context, config any, host steps.Host) (desired, steps.File, delta, error) {
	c, err := steps.ConfigAs[*Config](config)
	if err != nil {
		return desired{}, steps.File{}, delta{}, err
	}
	d, err := desiredOf(c)
	if err != nil {
		return desired{}, steps.File{}, delta{}, err
	}
	if host == nil {
		return desired{}, steps.File{}, delta{}, steps.Errorf(steps.ClassConfig, "file: the step needs a host (set `on`)")
	}
	cur, err := host.ReadFile(ctx, d.path)
	if err != nil {
		return desired{}, steps.File{}, delta{}, err
	}
	return d, cur, compare(cur, d), nil
}

// verify reads the file back after a write and fails when it is not in
// the desired state (a transport that dropped a mode bit, a concurrent
// writer).
func verify(ctx context.Context, host steps.Host, d desired) error {
	after, err := host.ReadFile(ctx, d.path)
	if err != nil {
		return fmt.Errorf("reading %s back after the write: %w", d.path, err)
	}
	x := compare(after, d)
	if x.none() {
		return nil
	}
	what := x.changes()
	if x.content {
		what = append(what, "content sha256 "+sha256Hex(after.Content))
	}
	return steps.Errorf(steps.ClassStep, "after the write %s is still not as configured: %v", d.path, what)
}

// output builds the step's output object.
func output(path, sum string, changed bool, backup cty.Value) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"path": cty.StringVal(path), "sha256": cty.StringVal(sum), "changed": cty.BoolVal(changed), "backup_path": backup,
	})
}
