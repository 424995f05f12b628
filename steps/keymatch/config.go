package keymatch

import (
	"path"
	"strings"

	"github.com/mend-sh/mend/internal/certs"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Config is the arguments of a `diagnose "key_match"` block.
type Config struct {
	// Key is the private key's path on the host (PEM: PKCS#8, PKCS#1 or
	// SEC 1, encrypted or not).
	Key string `hcl:"key"`
	// Cert is the certificate: a path on the host, PEM, { host, path },
	// or a kubeconfig entry (certs.ParseFileRef). A PEM "CERTIFICATE
	// REQUEST" is accepted too. Exactly one of Cert and CSR.
	Cert cty.Value `hcl:"cert,optional"`
	// CSR is a certificate request, given as Cert is.
	CSR cty.Value `hcl:"csr,optional"`
	// Passphrase decrypts an encrypted key (use a sensitive variable).
	Passphrase string `hcl:"passphrase,optional"`
	// AllowWorldReadable reads a key whose mode lets anyone read it;
	// without it such a key is refused unread.
	AllowWorldReadable bool `hcl:"allow_world_readable,optional"`
}

// check is Config checked: the key path and the certificate's source.
type check struct {
	key        string
	ref        certs.FileRef
	against    string // "cert" or "csr": which argument named it
	passphrase string
	allowWorld bool
}

// Check validates c. Values not known yet (during validate) are left for
// Diagnose.
func (c *Config) Check() (check, error) {
	k := check{key: c.Key, passphrase: c.Passphrase, allowWorld: c.AllowWorldReadable}
	if !path.IsAbs(c.Key) || path.Clean(c.Key) != c.Key {
		return k, steps.ArgErrorf("key", "key_match: key must be an absolute, clean path to the private key on the host, got %q", c.Key)
	}
	if strings.ContainsAny(c.Passphrase, "\n\x00") {
		return k, steps.ArgErrorf("passphrase", "key_match: passphrase holds a newline or NUL byte, which openssl cannot read from a line")
	}
	cert, csr := given(c.Cert), given(c.CSR)
	switch {
	case cert && csr:
		return k, steps.ArgErrorf("csr", "key_match: give cert or csr, not both")
	case !cert && !csr:
		return k, steps.Errorf(steps.ClassConfig, "key_match: give cert (the certificate: a path, PEM, { host, path } or a kubeconfig entry) or csr (a certificate request)")
	}
	v, name := c.Cert, "cert"
	if csr {
		v, name = c.CSR, "csr"
	}
	k.against = name
	if !v.IsWhollyKnown() {
		return k, nil
	}
	ref, err := certs.ParseFileRef(v, "key_match: "+name)
	if err != nil {
		return k, steps.ArgErrorf(name, "%v", err)
	}
	k.ref = ref
	return k, nil
}

// given reports whether an optional cty argument was set.
func given(v cty.Value) bool { return v != cty.NilVal && !v.IsNull() }
