package x509step

import (
	"context"
	"errors"
	"time"

	"github.com/mend-sh/mend/internal/certs"
	"github.com/mend-sh/mend/steps"
)

// Inspect is the x509_inspect diagnose type: it reads a certificate file
// (a PEM bundle) from a host, PEM given inline, or a kubeconfig entry's
// certificate, and reports its first certificate's identity, names and
// validity, how many certificates the source holds, and, when ca_path is
// given, whether the certificate chains to that CA bundle.
//
//	diagnose "x509_inspect" "etcd_ca" {
//	  on      = [var.etcd]
//	  path    = "/etc/etcd/ssl/ca.pem"
//	  ca_path = "/var/lib/puppet/client/ssl/certs/ca.pem"  # optional
//	  ca_host = var.master                                  # optional
//	}
//
//	diagnose "x509_inspect" "admin_client" {
//	  on         = var.control_plane
//	  kubeconfig = "/etc/kubernetes/admin.conf"
//	  user       = "kubernetes-admin"   # or cluster = "kubernetes" for its CA
//	}
//
// Its zero value is ready to use; it keeps no state.
type Inspect struct{}

var (
	_ steps.Diagnoser = Inspect{}
	_ steps.Validator = Inspect{}
	_ steps.Hostless  = Inspect{}
)

// InspectConfig is x509_inspect's arguments.
type InspectConfig struct {
	// Host is the inventory host to read Path from; empty: the target host.
	Host string `hcl:"host,optional"`
	// Path is the certificate file (PEM, possibly a bundle; DER accepted).
	Path string `hcl:"path,optional"`
	// PEM is certificates given inline (a variable, another step's
	// output); instead of Path.
	PEM string `hcl:"pem,optional"`
	// Kubeconfig is a kubeconfig file on the host, instead of Path; with
	// Cluster (its certificate-authority) or User (its
	// client-certificate), embedded or a file it names.
	Kubeconfig string `hcl:"kubeconfig,optional"`
	Cluster    string `hcl:"cluster,optional"`
	User       string `hcl:"user,optional"`
	// CAPath is a CA bundle to check chaining against; empty: no check.
	CAPath string `hcl:"ca_path,optional"`
	// CAHost is the host to read CAPath from; empty: the host Path is read
	// from.
	CAHost string `hcl:"ca_host,optional"`
}

// Name returns "x509_inspect".
func (Inspect) Name() string { return "x509_inspect" }

// Hostless returns true: with `host` set the step needs no `on` (without
// either it fails, saying so).
func (Inspect) Hostless() bool { return true }

// NewConfig returns a fresh *InspectConfig.
func (Inspect) NewConfig() any { return &InspectConfig{} }

// ValidateConfig requires one source (path, pem, or kubeconfig with
// cluster or user) and rejects a ca_host without a ca_path.
func (Inspect) ValidateConfig(config any) error {
	cfg, err := steps.ConfigAs[*InspectConfig](config)
	if err != nil {
		return err
	}
	if _, err := cfg.ref(); err != nil {
		return err
	}
	if cfg.CAHost != "" && cfg.CAPath == "" {
		return errors.New("x509_inspect: ca_host is set but ca_path is not; give the CA file's path")
	}
	return nil
}

// ref is the certificate source the arguments name.
func (cfg *InspectConfig) ref() (certs.FileRef, error) {
	ref := certs.FileRef{Host: cfg.Host, Path: cfg.Path, PEM: cfg.PEM, Kubeconfig: cfg.Kubeconfig, Cluster: cfg.Cluster, User: cfg.User}
	if ref.Path == "" && ref.PEM == "" && ref.Kubeconfig == "" {
		return ref, steps.Errorf(steps.ClassConfig, "x509_inspect: give path (a file on the host), pem (inline) or kubeconfig (with cluster or user)")
	}
	return certs.CheckFileRef(ref, "x509_inspect")
}

// Diagnose reads the file (and the CA bundle) and describes it. An
// unreadable or certificate-less file is an error; a chain that does not
// verify is not (chains_to_ca is false and chain_error says why).
func (Inspect) Diagnose(ctx context.Context, req steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	cfg, err := steps.ConfigAs[*InspectConfig](req.Config)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	ref, err := cfg.ref()
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	f, err := certs.ReadRef(ctx, req.Host, req.Hosts, ref)
	if err != nil {
		return steps.DiagnoseResponse{}, prefix("x509_inspect", err)
	}
	info := certs.Describe(f.First(), time.Now())
	res := inspection{file: f, info: info}
	if cfg.CAPath != "" {
		caHost := cfg.CAHost
		if caHost == "" {
			caHost = f.Host
		}
		ca, err := certs.ReadRef(ctx, req.Host, req.Hosts, certs.FileRef{Host: caHost, Path: cfg.CAPath})
		if err != nil {
			return steps.DiagnoseResponse{}, prefix("x509_inspect: ca_path", err)
		}
		res.checkChain(ca)
	}
	return res.response(), nil
}
