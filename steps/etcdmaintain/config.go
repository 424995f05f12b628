package etcdmaintain

import (
	"errors"
	"time"

	"github.com/mend-sh/mend/internal/etcdconn"
	"github.com/mend-sh/mend/steps"
)

// Defaults.
const (
	DefaultDefragTimeout = 5 * time.Minute
	DefaultSettle        = 60 * time.Second
)

// Maintain is the etcd_maintain repair type. It is dangerous (compaction
// drops history; a defrag blocks its member): every use needs an
// approval block.
//
//	repair "etcd_maintain" "space" {
//	  on        = ["etcd-01"]               # the host etcd is reached from
//	  endpoints = [...]                     # every member's client URL
//	  ca_file, cert_file, key_file          # on the host
//	  compact   = true                      # default: compact to the current revision
//	  defrag    = true                      # default: every member, followers first
//	  disarm    = true                      # default: disarm NOSPACE afterwards
//	  defrag_timeout = "5m"                 # each member's defrag
//	  settle    = "60s"                     # how long a member may take to be healthy again
//	  approval { reason = "..." }
//	}
type Maintain struct{}

var (
	_ steps.Repairer  = Maintain{}
	_ steps.Validator = Maintain{}
)

// Config is etcd_maintain's arguments.
type Config struct {
	// Args are endpoints, ca_file, cert_file, key_file, dial_timeout,
	// call_timeout.
	etcdconn.Args `hcl:",remain"`
	Compact       *bool  `hcl:"compact,optional"`
	Defrag        *bool  `hcl:"defrag,optional"`
	Disarm        *bool  `hcl:"disarm,optional"`
	DefragTimeout string `hcl:"defrag_timeout,optional"`
	Settle        string `hcl:"settle,optional"`
}

type settings struct {
	conn                    etcdconn.Conn
	compact, defrag, disarm bool
	defragTimeout, settle   time.Duration
}

// Name returns "etcd_maintain".
func (Maintain) Name() string { return "etcd_maintain" }

// NewConfig returns a fresh *Config.
func (Maintain) NewConfig() any { return &Config{} }

// Dangerous is true: compaction drops history for good, and a defrag
// blocks reads and writes on its member while it runs.
func (Maintain) Dangerous() bool { return true }

// ClusterWide: the change is to the etcd cluster, which every member's
// host sees; a plan defers the diagnoses after it on every host.
func (Maintain) ClusterWide() bool { return true }

// ValidateConfig checks the arguments.
func (Maintain) ValidateConfig(config any) error {
	cfg, err := steps.ConfigAs[*Config](config)
	if err != nil {
		return err
	}
	_, err = cfg.parse()
	return err
}

func orTrue(b *bool) bool { return b == nil || *b }

func (cfg *Config) parse() (settings, error) {
	s := settings{compact: orTrue(cfg.Compact), defrag: orTrue(cfg.Defrag), disarm: orTrue(cfg.Disarm)}
	var err error
	if s.conn, err = cfg.Args.Parse("etcd_maintain"); err != nil {
		return s, err
	}
	if !s.compact && !s.defrag && !s.disarm {
		return s, errors.New("etcd_maintain: compact, defrag and disarm are all false: nothing to do")
	}
	if s.defragTimeout, err = etcdconn.ParseDuration("defrag_timeout", cfg.DefragTimeout, DefaultDefragTimeout); err != nil {
		return s, errors.New("etcd_maintain: " + err.Error())
	}
	if s.settle, err = etcdconn.ParseDuration("settle", cfg.Settle, DefaultSettle); err != nil {
		return s, errors.New("etcd_maintain: " + err.Error())
	}
	return s, nil
}
