package file

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Repair is the `repair "file"` step type: it makes a file on the host
// have the given content, and mode, owner and group when given. Plan
// reads the file and previews the change; Apply writes it atomically
// through the host (optionally keeping a backup), on condition it is
// still as the preview saw it, and verifies the digest and metadata the
// host reports.
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
// holds a secret (steps.ContainsSecret), and summarised for large content.
// The planned output knows path, sha256 (of the desired content) and
// changed; backup_path is unknown when a backup will be made. What it saw
// goes to Apply as Observed.
func (Repair) Plan(ctx context.Context, req steps.PlanRequest) (steps.PlanResponse, error) {
	d, cur, x, err := load(ctx, req.Config, req.Host)
	if err != nil {
		return steps.PlanResponse{}, err
	}
	if x.none() {
		return steps.PlanResponse{Action: steps.NoOp, Preview: steps.Preview{Summary: converged(d.path)},
			Output: output(d.path, cur.SHA256, false, cty.StringVal(""))}, nil
	}
	backup := cty.StringVal("")
	if d.backup && cur.Exists {
		backup = cty.UnknownVal(cty.String)
	}
	p := preview(cur, d, x, req.SensitiveConfig)
	return steps.PlanResponse{Action: steps.Change, Preview: p,
		Output:   output(d.path, d.sum, true, backup),
		Observed: &observed{path: d.path, want: d.sum, seen: digestOf(cur), preview: p}}, nil
}

// observed is what Plan saw, for the Apply of the same run and host.
type observed struct {
	path, want string // the config it was made for: path, desired content digest
	seen       string // sha256 of the content seen, or steps.Absent
	preview    steps.Preview
}

// digestOf is a file's content digest, or steps.Absent.
func digestOf(f steps.FileDigest) string {
	if !f.Exists {
		return steps.Absent
	}
	return f.SHA256
}

// Apply writes the file and verifies the result. After this run's Plan on
// the host (req.Planned) it writes at once, on condition the file still
// has the content the preview saw (WriteFileRequest.IfContent): one
// session, the content sent once, nothing read back. Without a preview,
// or when the file changed since, it reads the file again first; a file
// already converged is left alone. The write reports the digest computed
// on the host and the file's mode, owner and group after the rename; they
// must match the config, else the step fails with class step, naming what
// differs. Summary and Details are the preview, in short.
func (Repair) Apply(ctx context.Context, req steps.ApplyRequest) (steps.ApplyResponse, error) {
	if o, ok := req.Planned.(*observed); ok {
		c, err := steps.ConfigAs[*Config](req.Config)
		if err != nil {
			return steps.ApplyResponse{}, err
		}
		d, err := desiredOf(c)
		if err != nil {
			return steps.ApplyResponse{}, err
		}
		if o.path == d.path && o.want == d.sum && req.Host != nil {
			resp, err := write(ctx, req.Host, d, o.preview, o.seen)
			if !errors.Is(err, steps.ErrChangedSince) {
				return resp, err
			}
		}
	}
	d, cur, x, err := load(ctx, req.Config, req.Host)
	if err != nil {
		return steps.ApplyResponse{}, err
	}
	if x.none() {
		return steps.ApplyResponse{Summary: converged(d.path),
			Output: output(d.path, cur.SHA256, false, cty.StringVal(""))}, nil
	}
	return write(ctx, req.Host, d, preview(cur, d, x, req.SensitiveConfig), "")
}

// write writes d (on condition the file has content ifContent, unless
// empty) and verifies what the host reports.
func write(ctx context.Context, host steps.MutableHost, d desired, p steps.Preview, ifContent string) (steps.ApplyResponse, error) {
	wr := d.request()
	wr.IfContent = ifContent
	res, err := host.WriteFile(ctx, wr)
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
	return resp, verify(d, res)
}

// load decodes the config and reads the file's current state (see
// readCurrent).
func load(ctx context.Context, config any, host steps.Host) (desired, steps.FileDigest, delta, error) {
	c, err := steps.ConfigAs[*Config](config)
	if err != nil {
		return desired{}, steps.FileDigest{}, delta{}, err
	}
	d, err := desiredOf(c)
	if err != nil {
		return desired{}, steps.FileDigest{}, delta{}, err
	}
	if host == nil {
		return desired{}, steps.FileDigest{}, delta{}, steps.Errorf(steps.ClassConfig, "file: the step needs a host (set `on`)")
	}
	cur, err := readCurrent(ctx, host, d.path, bytes.Contains(d.content, []byte(certBlockHeader)))
	if err != nil {
		return desired{}, steps.FileDigest{}, delta{}, err
	}
	return d, cur, compare(cur, d), nil
}

// readCurrent reads the file's digest and metadata with at most its first
// maxDiffBytes bytes (all of a file not larger; steps.ReadFileDigest): a
// large file is compared by digest and never sent whole. Only complete
// text lines of that part are ever shown (the first difference), so it
// must tell that they are safe to show: when it holds one of
// steps.SecretLiterals or a certificate, or is not text, the whole file is
// read instead (a second command) and previewed as before; so it is when
// whole is set (the new content holds certificates: the preview lists
// those the old content loses). Not seen: certificates past the first
// part of old content that has none in it, when the new content has none.
func readCurrent(ctx context.Context, host steps.Host, path string, whole bool) (steps.FileDigest, error) {
	cur, err := steps.ReadFileDigest(ctx, host, path, maxDiffBytes)
	if err != nil || cur.Complete() || (!whole && headUsable(cur.Content)) {
		return cur, err
	}
	f, err := host.ReadFile(ctx, path)
	return steps.DigestOf(f), err
}

// headUsable reports whether the first part of a file is text with no
// secret literal or certificate, so that the first difference can be
// shown from it without the rest.
func headUsable(head []byte) bool {
	if len(head) > 0 && head[0] == 0x30 || isBinary(head[:bytes.LastIndexByte(head, '\n')+1]) {
		return false
	}
	for _, lit := range append(steps.SecretLiterals(), certBlockHeader) {
		if bytes.Contains(head, []byte(lit)) {
			return false
		}
	}
	return true
}

// verify checks what the write reports against the config: the digest
// of the content (computed on the host) and the mode, owner and group
// asked for (a new file without a mode must have 0644). It catches a
// transport that dropped a mode bit or a chown that did not take.
func verify(d desired, res steps.WriteFileResult) error {
	var what []string
	if want := d.sum; res.SHA256 != want {
		what = append(what, fmt.Sprintf("content sha256 %s, want %s", res.SHA256, want))
	}
	if got := unixMode(res.Mode); d.mode != 0 && got != d.mode {
		what = append(what, fmt.Sprintf("mode %s, want %s", formatMode(got), formatMode(d.mode)))
	}
	if d.owner != "" && res.Owner != d.owner {
		what = append(what, fmt.Sprintf("owner %s, want %s", res.Owner, d.owner))
	}
	if d.group != "" && res.Group != d.group {
		what = append(what, fmt.Sprintf("group %s, want %s", res.Group, d.group))
	}
	if len(what) == 0 {
		return nil
	}
	return steps.Errorf(steps.ClassStep, "after the write %s is still not as configured: %s", d.path, strings.Join(what, "; "))
}

// output builds the step's output object.
func output(path, sum string, changed bool, backup cty.Value) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"path": cty.StringVal(path), "sha256": cty.StringVal(sum), "changed": cty.BoolVal(changed), "backup_path": backup,
	})
}
