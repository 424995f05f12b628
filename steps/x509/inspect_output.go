package x509step

import (
	"crypto/x509"
	"fmt"

	"github.com/mend-sh/mend/internal/certs"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Output is x509_inspect's result: the first certificate's certs.Info
// attributes, plus
//
//	host, path    where the file was read
//	count         number of certificates in the file
//	fingerprints  every certificate's sha256_fingerprint, in file order
//	chains_to_ca  null without ca_path; else whether the first
//	              certificate verifies (rest of the file as intermediates)
//	              against the CA bundle, at the current time, any usage
//	chain_error   "" when it chains or was not checked; else x509's error,
//	              with a same-name-different-key hint when that is why
func (Inspect) Output() cty.Type {
	attrs := FileAttributes()
	attrs["chains_to_ca"] = cty.Bool
	attrs["chain_error"] = cty.String
	return cty.Object(attrs)
}

// FileAttributes is certs.InfoAttributes plus host, path, count and
// fingerprints: the shape of one certificate file, used by x509_inspect's
// output and by x509_compare's a and b.
func FileAttributes() map[string]cty.Type {
	attrs := certs.InfoAttributes()
	attrs["host"] = cty.String
	attrs["path"] = cty.String
	attrs["count"] = cty.Number
	attrs["fingerprints"] = cty.List(cty.String)
	return attrs
}

// FileValues returns f's values for FileAttributes, info being the certs.Info
// of f's first certificate.
func FileValues(f certs.HostFile, info certs.Info) map[string]cty.Value {
	vals := info.Attributes()
	fps := make([]string, len(f.Certs))
	for i, c := range f.Certs {
		fps[i] = certs.Fingerprint(c)
	}
	vals["host"] = cty.StringVal(f.Host)
	vals["path"] = cty.StringVal(f.Path)
	vals["count"] = cty.NumberIntVal(int64(len(f.Certs)))
	vals["fingerprints"] = certs.StringList(fps)
	return vals
}

// inspection is one x509_inspect run's findings.
type inspection struct {
	file     certs.HostFile
	info     certs.Info
	ca       *certs.HostFile // nil: no ca_path
	chainErr error
	hint     string // same-name-different-key sentence, if that is why
}

func (r *inspection) checkChain(ca certs.HostFile) {
	r.ca = &ca
	r.chainErr = certs.VerifyChain(r.file.Certs, ca.Pool(), "", x509.ExtKeyUsageAny)
	if r.chainErr != nil {
		r.hint = certs.SameNameHint(certs.SameNameCA(r.file.Certs, ca.Certs))
	}
}

func (r *inspection) response() steps.DiagnoseResponse {
	vals := FileValues(r.file, r.info)
	vals["chains_to_ca"] = cty.NullVal(cty.Bool)
	vals["chain_error"] = cty.StringVal("")
	summary := r.info.Summary()
	details := []string{
		"file: " + r.file.Where(),
		"sha256 fingerprint: " + r.info.SHA256Fingerprint,
		"public key sha256: " + r.info.SPKISHA256,
		"issuer: " + r.info.Issuer,
	}
	details = append(details, r.file.Notes()...)
	if r.ca != nil {
		vals["chains_to_ca"] = cty.BoolVal(r.chainErr == nil)
		vals["chain_error"] = cty.StringVal(r.chainErrorText())
		summary += r.chainSummary()
		details = append(details, r.chainDetail())
	}
	return steps.DiagnoseResponse{Output: cty.ObjectVal(vals), Summary: summary, Details: details}
}

func (r *inspection) chainErrorText() string {
	if r.chainErr == nil {
		return ""
	}
	if r.hint != "" {
		return r.chainErr.Error() + "; " + r.hint
	}
	return r.chainErr.Error()
}

func (r *inspection) chainSummary() string {
	if r.chainErr == nil {
		return ", chains to " + r.ca.Path
	}
	if r.hint != "" {
		return fmt.Sprintf(", does NOT chain to %s (same-named CA, different key)", r.ca.Path)
	}
	return fmt.Sprintf(", does NOT chain to %s (%s)", r.ca.Path, certs.ClassifyVerifyError(r.chainErr))
}

func (r *inspection) chainDetail() string {
	if r.chainErr == nil {
		return "chains to " + r.ca.Where()
	}
	return fmt.Sprintf("does not chain to %s: %s", r.ca.Where(), r.chainErrorText())
}

// prefix adds context to err, keeping its class.
func prefix(what string, err error) error { return fmt.Errorf("%s: %w", what, err) }
