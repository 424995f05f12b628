package etcdstatus

import (
	"errors"
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
	Endpoints     []string `hcl:"endpoints"`
	CAFile        string   `hcl:"ca_file"`
	CertFile      string   `hcl:"cert_file"`
	KeyFile       string   `hcl:"key_file"`
	DialTimeout   string   `hcl:"dial_timeout,optional"`
	CallTimeout   string   `hcl:"call_timeout,optional"`
	SlowThreshold string   `hcl:"slow_threshold,optional"`
	Samples       *int     `hcl:"samples,optional"`
	Interval      string   `hcl:"interval,optional"`
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
	var err error
	if s.endpoints, err = etcdconn.ParseEndpoints("etcd_status: endpoints", cfg.Endpoints); err != nil {
		return s, err
	}
	if cfg.CAFile == "" || cfg.CertFile == "" || cfg.KeyFile == "" {
		return s, errors.New("etcd_status: ca_file, cert_file and key_file must all be given: mend talks to etcd over mutual TLS")
	}
	s.files = etcdconn.Files{CA: cfg.CAFile, Cert: cfg.CertFile, Key: cfg.KeyFile}
	if s.timeouts, err = etcdconn.ParseTimeouts(cfg.DialTimeout, cfg.CallTimeout); err != nil {
		return s, fmt.Errorf("etcd_status: %w", err)
	}
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
