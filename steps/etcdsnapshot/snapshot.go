package etcdsnapshot

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/mend-sh/mend/internal/etcdconn"
	"github.com/mend-sh/mend/internal/shell"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// source is the member chosen to snapshot.
type source struct {
	sample etcdconn.Sample
	name   string
}

// prepare parses, dials, surveys, picks the source member and checks that
// path does not exist on h. Refusals are ClassStep errors.
func prepare(ctx context.Context, config any, h steps.Host) (*Config, settings, *etcdconn.Dialer, source, error) {
	cfg, err := steps.ConfigAs[*Config](config)
	if err != nil {
		return nil, settings{}, nil, source{}, err
	}
	if h == nil {
		return nil, settings{}, nil, source{}, steps.Errorf(steps.ClassConfig, "etcd_snapshot: no target host: put the step `on` the host to save the snapshot on")
	}
	s, err := cfg.parse()
	if err != nil {
		return nil, s, nil, source{}, &steps.Error{Class: steps.ClassConfig, Err: err}
	}
	dl, err := etcdconn.Dial(ctx, h, s.conn.Files, s.conn.Timeouts)
	if err != nil {
		return nil, s, nil, source{}, fmt.Errorf("etcd_snapshot: %w", err)
	}
	src, err := pick(dl.Survey(ctx, s.conn.Endpoints), cfg.Member)
	if err != nil {
		return nil, s, nil, source{}, err
	}
	if err := absent(ctx, h, cfg.Path); err != nil {
		return nil, s, nil, source{}, err
	}
	if cfg.LocalPath != "" {
		if _, err := os.Lstat(cfg.LocalPath); !errors.Is(err, fs.ErrNotExist) {
			return nil, s, nil, source{}, steps.Errorf(steps.ClassStep, "etcd_snapshot: local_path %s exists on this machine (or cannot be checked: %v): refusing to overwrite it; choose a new path", cfg.LocalPath, err)
		}
	}
	return cfg, s, dl, src, nil
}

// pick chooses the member: the named one, which must be healthy; else the
// first healthy follower; else the healthy leader.
func pick(sv *etcdconn.Survey, member string) (source, error) {
	if !sv.Quorum() {
		return source{}, steps.Errorf(steps.ClassStep, "etcd_snapshot: no healthy member to snapshot (%v)", sv.Err)
	}
	var leader *source
	for _, x := range sv.Samples {
		// no_space counts: a member under the NOSPACE alarm still serves
		// snapshots, and that is when one is needed (before compacting).
		if !x.Answered() || x.Status == nil {
			continue
		}
		src := source{sample: x, name: sv.Membership.Name(x.Status.Header.MemberId)}
		switch {
		case member != "" && src.name == member:
			return src, nil
		case member != "":
		case x.Status.Leader != x.Status.Header.MemberId:
			return src, nil
		case leader == nil:
			leader = &src
		}
	}
	if member == "" && leader != nil {
		return *leader, nil
	}
	if member == "" {
		return source{}, steps.Errorf(steps.ClassStep, "etcd_snapshot: no endpoint answered a linearizable read (%v)", sv.Err)
	}
	return source{}, steps.Errorf(steps.ClassStep, "etcd_snapshot: member %q is not among the healthy endpoints: pick one that answered (etcd_status shows them)", member)
}

// absent fails unless nothing exists at p on h (not even a dangling link).
func absent(ctx context.Context, h steps.Host, p string) error {
	res, err := h.Exec(ctx, steps.ExecRequest{Command: "test -e " + shell.Quote(p) + " || test -L " + shell.Quote(p)})
	if err != nil {
		return fmt.Errorf("etcd_snapshot: check %s on %s: %w", p, h.Info().Name, err)
	}
	if res.ExitCode == 0 {
		return steps.Errorf(steps.ClassStep, "etcd_snapshot: %s exists on %s: refusing to overwrite it; choose a new path (e.g. with the run id in it)", p, h.Info().Name)
	}
	return nil
}

// Plan says which member would be saved where; it fails when the path
// exists or no member is healthy.
func (Snapshot) Plan(ctx context.Context, req steps.PlanRequest) (steps.PlanResponse, error) {
	cfg, _, _, src, err := prepare(ctx, req.Config, req.Host)
	if err != nil {
		return steps.PlanResponse{}, err
	}
	st := src.sample.Status
	local := ""
	if cfg.LocalPath != "" {
		local = ", and a copy to " + cfg.LocalPath + " on this machine"
	}
	return steps.PlanResponse{Action: steps.Change, Output: cty.UnknownVal(Snapshot{}.Output()), Preview: steps.Preview{
		Summary: fmt.Sprintf("save a snapshot of %s (%s, etcd %s, revision %d now, db %d bytes) to %s on %s (mode 0600, new file)%s",
			src.name, src.sample.Endpoint.URL, st.Version, st.Header.Revision, st.DbSize, cfg.Path, req.Host.Info().Name, local),
	}}, nil
}

// Apply checks again, streams the snapshot from the one member into
// memory (bounded by max_bytes and snapshot_timeout), verifies etcd's
// sha256 trailer, writes the file atomically (0600) and checks the
// written file's sha256.
func (Snapshot) Apply(ctx context.Context, req steps.ApplyRequest) (steps.ApplyResponse, error) {
	cfg, s, dl, src, err := prepare(ctx, req.Config, req.Host)
	if err != nil {
		return steps.ApplyResponse{}, err
	}
	data, err := fetch(ctx, dl, s, src)
	if err != nil {
		return steps.ApplyResponse{}, err
	}
	sum := sha256.Sum256(data)
	digest := hex.EncodeToString(sum[:])
	wr, err := req.Host.WriteFile(ctx, steps.WriteFileRequest{Path: cfg.Path, Content: data, Mode: 0o600})
	if err != nil {
		return steps.ApplyResponse{}, fmt.Errorf("etcd_snapshot: write %s on %s: %w", cfg.Path, req.Host.Info().Name, err)
	}
	if wr.SHA256 != digest {
		return steps.ApplyResponse{}, steps.Errorf(steps.ClassStep, "etcd_snapshot: %s on %s reads back with sha256 %s, not %s", cfg.Path, req.Host.Info().Name, wr.SHA256, digest)
	}
	local := ""
	if cfg.LocalPath != "" {
		if err := writeLocal(cfg.LocalPath, data, digest); err != nil {
			return steps.ApplyResponse{}, err
		}
		local = "; copied to " + cfg.LocalPath + " on this machine (sha256 checked)"
	}
	st := src.sample.Status
	out := cty.ObjectVal(map[string]cty.Value{
		"path":       cty.StringVal(cfg.Path),
		"sha256":     cty.StringVal(digest),
		"size":       cty.NumberIntVal(int64(len(data))),
		"revision":   cty.NumberIntVal(st.Header.Revision),
		"member":     cty.StringVal(src.name),
		"member_id":  cty.StringVal(etcdconn.HexID(st.Header.MemberId)),
		"endpoint":   cty.StringVal(src.sample.Endpoint.URL),
		"version":    cty.StringVal(st.Version),
		"local_path": cty.StringVal(cfg.LocalPath),
	})
	return steps.ApplyResponse{Changed: true, Output: out,
		Summary: fmt.Sprintf("saved %s from %s (etcd %s): %d bytes, revision %d, sha256 %s%s", cfg.Path, src.name, st.Version, len(data), st.Header.Revision, digest, local),
	}, nil
}

// fetch streams the snapshot from src alone and checks etcd's trailer:
// the last 32 bytes are the sha256 of the rest.
func fetch(ctx context.Context, dl *etcdconn.Dialer, s settings, src source) ([]byte, error) {
	cli, err := dl.Client(src.sample.Endpoint)
	if err != nil {
		return nil, err
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	rc, err := cli.Snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("etcd_snapshot: snapshot of %s: %w", src.name, err)
	}
	defer rc.Close()
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(rc, s.maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("etcd_snapshot: snapshot of %s after %d bytes: %w", src.name, n, err)
	}
	if n > s.maxBytes {
		return nil, steps.Errorf(steps.ClassStep, "etcd_snapshot: the snapshot of %s is over max_bytes (%d): raise max_bytes", src.name, s.maxBytes)
	}
	data := buf.Bytes()
	if len(data) < sha256.Size || len(data)%512 != sha256.Size {
		return nil, steps.Errorf(steps.ClassStep, "etcd_snapshot: the snapshot of %s is %d bytes, not a bolt database with etcd's sha256 trailer", src.name, len(data))
	}
	body, trailer := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], trailer) {
		return nil, steps.Errorf(steps.ClassStep, "etcd_snapshot: the snapshot of %s fails etcd's sha256 trailer check: %s", src.name, strings.ToLower(hex.EncodeToString(trailer)))
	}
	return data, nil
}

// Output is etcd_snapshot's result: path, sha256 (of the file), size,
// revision (the member's, just before the snapshot), member, member_id,
// endpoint, version (the server's), local_path ("" without a local copy).
func (Snapshot) Output() cty.Type {
	return cty.Object(map[string]cty.Type{
		"path": cty.String, "sha256": cty.String, "size": cty.Number, "revision": cty.Number,
		"member": cty.String, "member_id": cty.String, "endpoint": cty.String, "version": cty.String,
		"local_path": cty.String,
	})
}

// writeLocal writes the snapshot to a new file on the machine mend runs
// on (0600, never over an existing file), fsyncs it and checks its sha256
// as read back. A failed write leaves no partial file behind.
func writeLocal(p string, data []byte, digest string) (err error) {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return steps.Errorf(steps.ClassStep, "etcd_snapshot: local copy: %v", err)
	}
	defer func() {
		if err != nil {
			os.Remove(p)
		}
	}()
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("etcd_snapshot: local copy %s: %w", p, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("etcd_snapshot: local copy %s: %w", p, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("etcd_snapshot: local copy %s: %w", p, err)
	}
	back, err := os.ReadFile(p)
	if err != nil {
		return fmt.Errorf("etcd_snapshot: local copy %s: %w", p, err)
	}
	if sum := sha256.Sum256(back); hex.EncodeToString(sum[:]) != digest {
		return steps.Errorf(steps.ClassStep, "etcd_snapshot: local copy %s reads back with another sha256", p)
	}
	return nil
}
