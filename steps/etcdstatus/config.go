package etcdstatus

import (
	"fmt"
	"time"

	"github.com/mend-sh/mend/internal/etcdconn"
	"github.com/mend-sh/mend/steps"
)

// Defaults of the sampling arguments.
const (
	DefaultSamples       = 3
	DefaultInterval      = time.Second
	DefaultSlowThreshold = time.Second
	MaxSamples           = 20
)

// Status is the etcd_status diagnose type. It needs `on`: the host whose
// view of etcd is probed (an etcd member itself, or a client of it).
//
//	diagnose "etcd_status" "cluster" {
//	  on             = ["etcd-01"]
//	  endpoints      = ["https://etcd-01:2379", "https://etcd-02:2379", "https://etcd-03:2379"]
//	  ca_file        = "/etc/etcd/ssl/ca.pem"
//	  cert_file      = "/etc/etcd/ssl/client.pem"
//	  key_file       = "/etc/etcd/ssl/client.key"
//	  dial_timeout   = "10s"  # default; TCP + TLS per endpoint
//	  call_timeout   = "15s"  # default; each RPC
//	  slow_threshold = "1s"   # default; an answer slower than this is "slow"
//	  samples        = 3      # default; rounds, `interval` apart
//	  interval       = "1s"
//	}
//
// Its zero value is ready to use; it keeps no state.
type Status struct{}

var (
	_ steps.Diagnoser = Status{}
	_ steps.Validator = Status{}
)

// Config is etcd_status's arguments. Files are read from the target host.
type Config struct {
	// Args are endpoints, ca_file, cert_file, key_file, dial_timeout,
	// call_timeout.
	etcdconn.Args `hcl:",remain"`
	SlowThreshold string `hcl:"slow_threshold,optional"`
	Samples       *int   `hcl:"samples,optional"`
	Interval      string `hcl:"interval,optional"`
}

// settings are Config parsed.
type settings struct {
	endpoints []etcdconn.Endpoint
	files     etcdconn.Files
	timeouts  etcdconn.Timeouts
	slow      time.Duration
	samples   int
	interval  time.Duration
}

// Name returns "etcd_status".
func (Status) Name() string { return "etcd_status" }

// NewConfig returns a fresh *Config.
func (Status) NewConfig() any { return &Config{} }

// ValidateConfig checks the endpoints, that the three files are named,
// the durations and the number of samples (1 to MaxSamples).
func (Status) ValidateConfig(config any) error {
	cfg, err := steps.ConfigAs[*Config](config)
	if err != nil {
		return err
	}
	_, err = cfg.parse()
	return err
}

func (cfg *Config) parse() (settings, error) {
	var s settings
	conn, err := cfg.Args.Parse("etcd_status")
	if err != nil {
		return s, err
	}
	s.endpoints, s.files, s.timeouts = conn.Endpoints, conn.Files, conn.Timeouts
	if s.slow, err = etcdconn.ParseDuration("slow_threshold", cfg.SlowThreshold, DefaultSlowThreshold); err != nil {
		return s, fmt.Errorf("etcd_status: %w", err)
	}
	if s.interval, err = etcdconn.ParseDuration("interval", cfg.Interval, DefaultInterval); err != nil {
		return s, fmt.Errorf("etcd_status: %w", err)
	}
	s.samples = DefaultSamples
	if cfg.Samples != nil {
		s.samples = *cfg.Samples
	}
	if s.samples < 1 || s.samples > MaxSamples {
		return s, fmt.Errorf("etcd_status: samples = %d: want 1 to %d", s.samples, MaxSamples)
	}
	return s, nil
}
