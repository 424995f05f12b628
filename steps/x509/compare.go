package x509step

import (
	"context"
	"fmt"
	"time"

	"github.com/mend-sh/mend/internal/certs"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Compare is the x509_compare diagnose type: it reads two certificate
// files, possibly on two hosts, and says whether they are the same
// certificate, share a key or a name, and whether one signed the other.
// Identity is the fingerprint and the public key, never the name: two CAs
// named "Puppet CA: x" with different keys compare as different.
//
//	diagnose "x509_compare" "trusted_vs_etcd_ca" {
//	  a = { host = var.master,  path = "/var/lib/puppet/client/ssl/certs/ca.pem" }
//	  b = { host = var.etcd[0], path = "/etc/etcd/ssl/ca.pem" }
//	}
//
// Each of a and b is an object { host, path } with host optional (default:
// the step's target host from `on`), or just a path string on the target
// host, PEM (a string starting "-----BEGIN", or { pem = ... }), or a
// kubeconfig entry { host, kubeconfig, cluster or user }. Its zero value is ready to use; it keeps no state.
type Compare struct{}

var (
	_ steps.Diagnoser = Compare{}
	_ steps.Validator = Compare{}
	_ steps.Hostless  = Compare{}
)

// CompareConfig is x509_compare's arguments. A and B are kept as cty
// values because host is optional inside the object; certs.ParseFileRef reads
// them.
type CompareConfig struct {
	A cty.Value `hcl:"a"`
	B cty.Value `hcl:"b"`
}

// Name returns "x509_compare".
func (Compare) Name() string { return "x509_compare" }

// Hostless returns true: a and b may name their hosts, so the step may
// run without `on` (a side without a host is then an error naming it).
func (Compare) Hostless() bool { return true }

// NewConfig returns a fresh *CompareConfig.
func (Compare) NewConfig() any { return &CompareConfig{} }

// ValidateConfig checks that a and b are file references (see
// certs.ParseFileRef); parts not known yet are left for Diagnose.
func (Compare) ValidateConfig(config any) error {
	cfg, err := steps.ConfigAs[*CompareConfig](config)
	if err != nil {
		return err
	}
	_, err = cfg.refs()
	return err
}

// sides names a and b in messages, by index.
var sides = [2]string{"a", "b"}

func (cfg *CompareConfig) refs() ([2]certs.FileRef, error) {
	var refs [2]certs.FileRef
	for i, v := range []cty.Value{cfg.A, cfg.B} {
		if v != cty.NilVal && !v.IsWhollyKnown() {
			continue
		}
		ref, err := certs.ParseFileRef(v, "x509_compare: "+sides[i])
		if err != nil {
			return refs, err
		}
		refs[i] = ref
	}
	return refs, nil
}

// Diagnose reads both files and compares their first certificates. A file
// that cannot be read or holds no certificate is an error; any comparison
// result, including "different", is a successful diagnosis.
func (Compare) Diagnose(ctx context.Context, req steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	cfg, err := steps.ConfigAs[*CompareConfig](req.Config)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	refs, err := cfg.refs()
	if err != nil {
		return steps.DiagnoseResponse{}, steps.Errorf(steps.ClassConfig, "%v", err)
	}
	var files [2]certs.HostFile
	for i, ref := range refs {
		if ref.Path == "" && ref.PEM == "" && ref.Kubeconfig == "" {
			return steps.DiagnoseResponse{}, steps.Errorf(steps.ClassConfig, "x509_compare: %s is not known", sides[i])
		}
		if files[i], err = certs.ReadRef(ctx, req.Host, req.Hosts, ref); err != nil {
			return steps.DiagnoseResponse{}, prefix("x509_compare: "+sides[i], err)
		}
	}
	return compareFiles(files[0], files[1], time.Now()).response(), nil
}

// Verdicts of x509_compare, from the strongest likeness down.
const (
	VerdictIdentical      = "identical"                // same fingerprint
	VerdictReissued       = "same key, reissued"       // same public key, different certificate
	VerdictSameNameNewKey = "same name, different key" // same subject, different public key
	VerdictDifferent      = "different"                // nothing in common that matters
)

// comparison is one x509_compare run's findings.
type comparison struct {
	a, b                       certs.HostFile
	ai, bi                     certs.Info
	same, sameKey, sameSubject bool
	aSignedB, bSignedA         bool
}

func (c comparison) verdict() string {
	switch {
	case c.same:
		return VerdictIdentical
	case c.sameKey:
		return VerdictReissued
	case c.sameSubject:
		return VerdictSameNameNewKey
	}
	return VerdictDifferent
}

func (c comparison) summary() string {
	a, b := c.ai, c.bi
	fps := fmt.Sprintf("fingerprints %s vs %s", certs.ShortFingerprint(a.SHA256Fingerprint), certs.ShortFingerprint(b.SHA256Fingerprint))
	var s string
	switch c.verdict() {
	case VerdictIdentical:
		s = fmt.Sprintf("identical: %q, SHA256 %s", a.Subject, certs.ShortFingerprint(a.SHA256Fingerprint))
	case VerdictReissued:
		s = fmt.Sprintf("same key, reissued: %q vs %q, %s", a.Subject, b.Subject, fps)
	case VerdictSameNameNewKey:
		s = fmt.Sprintf("different: both %q, %s (same name, different key)", a.Subject, fps)
	default:
		s = fmt.Sprintf("different: %q vs %q, %s", a.Subject, b.Subject, fps)
	}
	return s + c.signedNote()
}

func (c comparison) signedNote() string {
	switch {
	case c.same:
		return ""
	case c.aSignedB && c.bSignedA:
		return "; each signed the other"
	case c.aSignedB:
		return "; a signed b"
	case c.bSignedA:
		return "; b signed a"
	}
	return ""
}
