package etcdsnapshot

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"time"

	"github.com/mend-sh/mend/internal/etcdconn"
	"github.com/mend-sh/mend/steps"
)

// Defaults.
const (
	DefaultSnapshotTimeout = 5 * time.Minute
	DefaultMaxBytes        = 1 << 30
)

// Snapshot is the etcd_snapshot repair type. Not dangerous: it only adds a
// new file.
//
//	repair "etcd_snapshot" "backup" {
//	  on        = ["etcd-01"]
//	  endpoints = [...]             # the members; one healthy one is used
//	  member    = "etcd-02"         # optional: this member (name), else the
//	                                # first healthy follower, else the leader
//	  ca_file, cert_file, key_file  # on the host
//	  path      = "/var/backups/etcd/etcd-${run.id}.db"  # must not exist
//	  snapshot_timeout = "5m"       # the transfer (etcdctl has none by default)
//	  max_bytes = 1073741824        # refuse a bigger snapshot (held in memory)
//	  local_path = "/home/op/etcd.db" # optional: also a copy on the machine mend runs on
//	}
type Snapshot struct{}

var (
	_ steps.Repairer  = Snapshot{}
	_ steps.Validator = Snapshot{}
)

// Config is etcd_snapshot's arguments.
type Config struct {
	// Args are endpoints, ca_file, cert_file, key_file, dial_timeout,
	// call_timeout.
	etcdconn.Args   `hcl:",remain"`
	Member          string `hcl:"member,optional"`
	Path            string `hcl:"path"`
	SnapshotTimeout string `hcl:"snapshot_timeout,optional"`
	MaxBytes        *int64 `hcl:"max_bytes,optional"`
	LocalPath       string `hcl:"local_path,optional"`
}

type settings struct {
	conn     etcdconn.Conn
	timeout  time.Duration
	maxBytes int64
}

// Name returns "etcd_snapshot".
func (Snapshot) Name() string { return "etcd_snapshot" }

// NewConfig returns a fresh *Config.
func (Snapshot) NewConfig() any { return &Config{} }

// Dangerous is false: a snapshot only reads etcd and writes a new file.
func (Snapshot) Dangerous() bool { return false }

// ValidateConfig checks the connection arguments, that path is absolute
// and clean, and the bounds.
func (Snapshot) ValidateConfig(config any) error {
	cfg, err := steps.ConfigAs[*Config](config)
	if err != nil {
		return err
	}
	_, err = cfg.parse()
	return err
}

func (cfg *Config) parse() (settings, error) {
	var s settings
	var err error
	if s.conn, err = cfg.Args.Parse("etcd_snapshot"); err != nil {
		return s, err
	}
	if !path.IsAbs(cfg.Path) || path.Clean(cfg.Path) != cfg.Path || cfg.Path == "/" {
		return s, fmt.Errorf("etcd_snapshot: path %q: want an absolute, clean file path", cfg.Path)
	}
	if cfg.LocalPath != "" && (!filepath.IsAbs(cfg.LocalPath) || filepath.Clean(cfg.LocalPath) != cfg.LocalPath) {
		return s, fmt.Errorf("etcd_snapshot: local_path %q: want an absolute, clean file path on the machine mend runs on", cfg.LocalPath)
	}
	if s.timeout, err = etcdconn.ParseDuration("snapshot_timeout", cfg.SnapshotTimeout, DefaultSnapshotTimeout); err != nil {
		return s, fmt.Errorf("etcd_snapshot: %w", err)
	}
	s.maxBytes = DefaultMaxBytes
	if cfg.MaxBytes != nil {
		s.maxBytes = *cfg.MaxBytes
	}
	if s.maxBytes < 1<<16 {
		return s, errors.New("etcd_snapshot: max_bytes is below 64 KiB: no etcd snapshot is that small")
	}
	return s, nil
}
