package tlsprobe

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/mend-sh/mend/internal/certs"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// DefaultTimeout bounds a probe (dial, handshake, first read, candidate
// files) when the step has no `timeout` meta-argument.
const DefaultTimeout = 10 * time.Second

// Probe is the tls_probe diagnose type. It needs `on`: the target host is
// where files are read and where the connection is dialled from.
//
//	diagnose "tls_probe" "apiserver_to_etcd" {
//	  on                 = [var.master]
//	  endpoint           = "etcd-01:2379"   # or endpoints = ["etcd-01:2379", ...]
//	  ca_file            = "/var/lib/puppet/client/ssl/certs/ca.pem"
//	  cert_file          = "/var/lib/kubernetes/ssl/certs/cert.pem"   # optional,
//	  key_file           = "/var/lib/kubernetes/ssl/private_keys/key.pem" # both or neither
//	  candidate_ca_files = ["/etc/kubernetes/etcd-ca.pem",
//	                        { host = var.etcd, path = "/etc/etcd/ssl/ca.pem" }]
//	  timeout            = "10s"
//	}
//
// Its zero value is ready to use; it keeps no state.
type Probe struct{}

var (
	_ steps.Diagnoser = Probe{}
	_ steps.Validator = Probe{}
)

// Config is tls_probe's arguments. All files are read from the target
// host, except candidates that name another host.
type Config struct {
	// Endpoint is "host:port", dialled from the target host.
	Endpoint string `hcl:"endpoint,optional"`
	// Endpoints are several "host:port", each dialled from the target
	// host in turn; give exactly one of Endpoint and Endpoints.
	Endpoints []string `hcl:"endpoints,optional"`
	// ServerName is the name the certificate must be valid for (and the
	// SNI), at every endpoint; empty: each endpoint's own host (a DNS name
	// or an IP address).
	ServerName string `hcl:"server_name,optional"`
	// CAFile is the CA bundle the client trusts.
	CAFile string `hcl:"ca_file"`
	// CertFile and KeyFile are the client certificate and key, presented
	// when the server asks for one; both or neither.
	CertFile string `hcl:"cert_file,optional"`
	KeyFile  string `hcl:"key_file,optional"`
	// CandidateCAFiles are further CA files to try against the served
	// chain: a list of paths on the target host or { host, path } objects
	// (certs.ParseFileRefs).
	CandidateCAFiles cty.Value `hcl:"candidate_ca_files,optional"`
}

// Name returns "tls_probe".
func (Probe) Name() string { return "tls_probe" }

// NewConfig returns a fresh *Config.
func (Probe) NewConfig() any { return &Config{} }

// ValidateConfig checks that exactly one of endpoint and endpoints is
// given and the form of each endpoint, that cert_file and key_file come
// together, and the shape of candidate_ca_files (when known).
func (Probe) ValidateConfig(config any) error {
	cfg, err := steps.ConfigAs[*Config](config)
	if err != nil {
		return err
	}
	if err := cfg.check(); err != nil {
		return &steps.Error{Class: steps.ClassConfig, Err: err}
	}
	return nil
}

// check is ValidateConfig's verdict on the arguments.
func (cfg *Config) check() error {
	if _, err := cfg.targets(); err != nil {
		return err
	}
	if cfg.CAFile == "" {
		return errors.New("tls_probe: ca_file is empty")
	}
	if (cfg.CertFile == "") != (cfg.KeyFile == "") {
		return errors.New("tls_probe: cert_file and key_file go together: give both, or neither")
	}
	if v := cfg.CandidateCAFiles; v != cty.NilVal && !v.IsWhollyKnown() {
		return nil
	}
	_, err := cfg.candidates()
	return err
}

// target is one endpoint to probe and the server name to verify there.
type target struct {
	endpoint string
	name     string
}

// targets returns the endpoints to probe, in the given order, each with
// its server name: ServerName, else the endpoint's host. It fails unless
// exactly one of Endpoint and Endpoints is given, or when an endpoint is
// not "host:port".
func (cfg *Config) targets() ([]target, error) {
	switch {
	case cfg.Endpoint != "" && cfg.Endpoints != nil:
		return nil, errors.New("tls_probe: endpoint and endpoints are both given: give exactly one of them")
	case cfg.Endpoint != "":
		t, err := cfg.target(cfg.Endpoint, "endpoint")
		return []target{t}, err
	case cfg.Endpoints == nil:
		return nil, errors.New("tls_probe: neither endpoint nor endpoints is given: give exactly one of them")
	case len(cfg.Endpoints) == 0:
		return nil, errors.New("tls_probe: endpoints is empty: give at least one \"host:port\"")
	}
	ts := make([]target, len(cfg.Endpoints))
	for i, ep := range cfg.Endpoints {
		t, err := cfg.target(ep, fmt.Sprintf("endpoints[%d]", i))
		if err != nil {
			return nil, err
		}
		ts[i] = t
	}
	return ts, nil
}

// target checks that endpoint (the argument what) is "host:port".
func (cfg *Config) target(endpoint, what string) (target, error) {
	host, port, err := net.SplitHostPort(endpoint)
	if err != nil || host == "" || port == "" {
		return target{}, fmt.Errorf("tls_probe: %s %q: want \"host:port\"", what, endpoint)
	}
	if cfg.ServerName != "" {
		return target{endpoint, cfg.ServerName}, nil
	}
	return target{endpoint, host}, nil
}

func (cfg *Config) candidates() ([]certs.FileRef, error) {
	return certs.ParseFileRefs(cfg.CandidateCAFiles, "tls_probe: candidate_ca_files")
}
