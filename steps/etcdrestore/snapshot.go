package etcdrestore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/mend-sh/mend/internal/shell"
	"github.com/mend-sh/mend/steps"
)

// snapshotFile is the snapshot as read from its host, checked.
type snapshotFile struct {
	host     string
	path     string
	data     []byte
	sha256   string
	revision int64
	keys     int64
}

// readSnapshot reads the snapshot from its host, checks etcd's sha256
// trailer (a snapshot saved through the API has one; a copied
// member/snap/db has none and is refused) and the expected digest, and
// asks the host's etcd tool for its revision.
func readSnapshot(ctx context.Context, hosts steps.HostResolver, cfg *Config, tool string) (*snapshotFile, error) {
	h, err := hosts.Host(ctx, cfg.SnapshotHost)
	if err != nil {
		return nil, fmt.Errorf("etcd_restore: snapshot_host: %w", err)
	}
	f, err := h.ReadFile(ctx, cfg.Snapshot)
	if err != nil {
		return nil, fmt.Errorf("etcd_restore: read snapshot %s on %s (at most %d MiB): %w", cfg.Snapshot, cfg.SnapshotHost, MaxSnapshotBytes>>20, err)
	}
	if !f.Exists {
		return nil, steps.Errorf(steps.ClassStep, "etcd_restore: snapshot %s on %s: no such file", cfg.Snapshot, cfg.SnapshotHost)
	}
	s := &snapshotFile{host: cfg.SnapshotHost, path: cfg.Snapshot, data: f.Content}
	sum := sha256.Sum256(f.Content)
	s.sha256 = hex.EncodeToString(sum[:])
	if cfg.SnapshotSHA256 != "" && cfg.SnapshotSHA256 != s.sha256 {
		return nil, steps.Errorf(steps.ClassStep, "etcd_restore: snapshot %s on %s has sha256 %s, not snapshot_sha256 %s: it is not the snapshot you meant", cfg.Snapshot, cfg.SnapshotHost, s.sha256, cfg.SnapshotSHA256)
	}
	n := len(f.Content)
	if n < sha256.Size || n%512 != sha256.Size {
		return nil, steps.Errorf(steps.ClassStep, "etcd_restore: %s on %s is %d bytes: not a snapshot saved through etcd's API (no sha256 trailer; a copied member/snap/db would need --skip-hash-check, which mend does not do: it may lack writes still in the WAL)", cfg.Snapshot, cfg.SnapshotHost, n)
	}
	body, trailer := f.Content[:n-sha256.Size], f.Content[n-sha256.Size:]
	if bsum := sha256.Sum256(body); !bytes.Equal(bsum[:], trailer) {
		return nil, steps.Errorf(steps.ClassStep, "etcd_restore: %s on %s fails etcd's sha256 trailer check: the file is damaged", cfg.Snapshot, cfg.SnapshotHost)
	}
	t, err := detectTool(ctx, h, tool)
	if err != nil {
		return nil, err
	}
	res, err := h.Exec(ctx, steps.ExecRequest{Command: t.prefix() + " snapshot status " + shell.Quote(cfg.Snapshot) + " -w json"})
	if err != nil {
		return nil, fmt.Errorf("etcd_restore: snapshot status on %s: %w", cfg.SnapshotHost, err)
	}
	var st struct {
		Revision int64 `json:"revision"`
		TotalKey int64 `json:"totalKey"`
	}
	if res.ExitCode != 0 || json.Unmarshal(bytes.TrimSpace(res.Stdout), &st) != nil {
		return nil, steps.Errorf(steps.ClassStep, "etcd_restore: %s snapshot status %s on %s: exit %d: %s", t.name, cfg.Snapshot, cfg.SnapshotHost, res.ExitCode, excerpt(res.Stderr, res.Stdout))
	}
	s.revision, s.keys = st.Revision, st.TotalKey
	return s, nil
}

// excerpt is the first line of a command's complaint, bounded and quoted
// (bytes from a host are never printed raw).
func excerpt(outs ...[]byte) string {
	for _, b := range outs {
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[:i]
		}
		if len(b) > 300 {
			b = append(b[:300:300], "..."...)
		}
		return fmt.Sprintf("%q", b)
	}
	return "(no output)"
}
