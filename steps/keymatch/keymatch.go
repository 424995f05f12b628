package keymatch

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"fmt"

	"github.com/mend-sh/mend/internal/hostscript"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Type is the `diagnose "key_match"` step type.
type Type struct{}

var (
	_ steps.Diagnoser = Type{}
	_ steps.Validator = Type{}
)

// Verdicts of key_match.
const (
	VerdictMatch         = "match"          // the key's public key is the certificate's
	VerdictMismatch      = "mismatch"       // it is not
	VerdictEncrypted     = "encrypted"      // encrypted, and no passphrase was given: not compared
	VerdictBadPassphrase = "bad_passphrase" // openssl could not read the key with the passphrase
)

// Name returns "key_match".
func (Type) Name() string { return "key_match" }

// NewConfig returns a new *Config.
func (Type) NewConfig() any { return &Config{} }

// Output is an object:
//
//	match             the key's public key is the certificate's (or request's)
//	verdict           match, mismatch, encrypted (no passphrase given: not
//	                  compared) or bad_passphrase
//	encrypted         the key file is encrypted
//	key_mode          the key file's mode ("0600")
//	key_type          "ECDSA P-256", "RSA 2048", "Ed25519" ("" when not read)
//	key_spki_sha256   SHA-256 of the key's public key (DER SPKI), "" when not read
//	cert_spki_sha256  the same of the certificate's public key
//	cert_subject      the certificate's (or request's) subject
//	cert_fingerprint  the certificate's SHA-256 fingerprint ("" for a request)
//	cert_source       where the certificate was read
//
// Nothing in it is key material: public keys are named by their digests.
func (Type) Output() cty.Type {
	return cty.Object(map[string]cty.Type{
		"match": cty.Bool, "verdict": cty.String, "encrypted": cty.Bool, "key_mode": cty.String, "key_type": cty.String,
		"key_spki_sha256": cty.String, "cert_spki_sha256": cty.String, "cert_subject": cty.String,
		"cert_fingerprint": cty.String, "cert_source": cty.String,
	})
}

// ValidateConfig checks the key path, that exactly one of cert and csr
// is given, and that it names a source.
func (Type) ValidateConfig(config any) error {
	_, err := hostscript.Check[check, *Config](config)
	return err
}

// Diagnose reads the certificate (public, read into mend), then has the
// host derive the key's public key, and compares the two here.
func (Type) Diagnose(ctx context.Context, req steps.DiagnoseRequest) (steps.DiagnoseResponse, error) {
	k, err := hostscript.Check[check, *Config](req.Config)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	if req.Host == nil {
		return steps.DiagnoseResponse{}, steps.Errorf(steps.ClassConfig, "key_match: the step needs `on`: the key is read where it is")
	}
	cert, err := readCert(ctx, req, k)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	key, err := readKey(ctx, req.Host, k)
	if err != nil {
		return steps.DiagnoseResponse{}, err
	}
	return result{key: key, cert: cert, path: k.key}.response(), nil
}

// result is one comparison.
type result struct {
	key  keyFacts
	cert certSide
	path string
}

func (r result) verdict() string {
	switch {
	case r.key.public != nil && samePublicKey(r.key.public, r.cert.public):
		return VerdictMatch
	case r.key.public != nil:
		return VerdictMismatch
	case r.key.encrypted && r.key.opensslRC == -1:
		return VerdictEncrypted
	}
	return VerdictBadPassphrase
}

func (r result) response() steps.DiagnoseResponse {
	v := r.verdict()
	keySPKI := ""
	if r.key.public != nil {
		if der, err := x509.MarshalPKIXPublicKey(r.key.public); err == nil {
			keySPKI = spkiSHA256(der)
		}
	}
	out := cty.ObjectVal(map[string]cty.Value{
		"match": cty.BoolVal(v == VerdictMatch), "verdict": cty.StringVal(v), "encrypted": cty.BoolVal(r.key.encrypted),
		"key_mode": cty.StringVal(r.key.mode), "key_type": cty.StringVal(keyType(r.key.public)),
		"key_spki_sha256": cty.StringVal(keySPKI), "cert_spki_sha256": cty.StringVal(spkiSHA256(r.cert.spki)),
		"cert_subject": cty.StringVal(r.cert.subject), "cert_fingerprint": cty.StringVal(r.cert.fingerprint),
		"cert_source": cty.StringVal(r.cert.where),
	})
	details := []string{
		fmt.Sprintf("key: %s (mode %s%s)", r.path, r.key.mode, map[bool]string{true: ", encrypted"}[r.key.encrypted]),
		fmt.Sprintf("%s: %s (%s)", r.cert.kind, r.cert.where, r.cert.subject),
		"certificate public key sha256: " + spkiSHA256(r.cert.spki),
	}
	if keySPKI != "" {
		details = append(details, "key's public key sha256:         "+keySPKI)
	}
	return steps.DiagnoseResponse{Output: out, Summary: r.summary(v), Details: details}
}

func (r result) summary(v string) string {
	what := fmt.Sprintf("%s %q", r.cert.kind, r.cert.subject)
	switch v {
	case VerdictMatch:
		return fmt.Sprintf("%s (%s) matches %s", r.path, keyType(r.key.public), what)
	case VerdictMismatch:
		return fmt.Sprintf("%s (%s) does NOT match %s: different public keys", r.path, keyType(r.key.public), what)
	case VerdictEncrypted:
		return fmt.Sprintf("%s is encrypted and no passphrase was given: not compared with %s", r.path, what)
	}
	return fmt.Sprintf("%s could not be read with the passphrase given (openssl exit %d: %s)", r.path, r.key.opensslRC, r.key.message)
}

// keyType names a public key's algorithm and size; "" for nil.
func keyType(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case nil:
		return ""
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d", k.N.BitLen())
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return fmt.Sprintf("%T", pub)
}
