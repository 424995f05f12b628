package x509step

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/mend-sh/mend/internal/certs"
	"github.com/mend-sh/mend/steps"
	"github.com/zclconf/go-cty/cty"
)

// Output is x509_compare's result:
//
//	same          the first certificates have the same SHA-256 fingerprint
//	same_key      ... the same SubjectPublicKeyInfo
//	same_subject  ... the same subject (DER-equal)
//	a_signed_b    some certificate in a verifies the signature of b's first
//	              certificate (x509 CheckSignatureFrom: a must be a CA);
//	              "did the CA we trust sign etcd's certificate?"
//	b_signed_a    the converse
//	verdict       "identical", "same key, reissued",
//	              "same name, different key" or "different"
//	a, b          each file as x509_inspect describes it (FileAttributes,
//	              including pem, never key material)
func (Compare) Output() cty.Type {
	file := cty.Object(FileAttributes())
	return cty.Object(map[string]cty.Type{
		"same":         cty.Bool,
		"same_key":     cty.Bool,
		"same_subject": cty.Bool,
		"a_signed_b":   cty.Bool,
		"b_signed_a":   cty.Bool,
		"verdict":      cty.String,
		"a":            file,
		"b":            file,
	})
}

// compareFiles compares the first certificates of a and b, at now.
func compareFiles(a, b certs.HostFile, now time.Time) comparison {
	ac, bc := a.First(), b.First()
	return comparison{
		a: a, b: b,
		ai: certs.Describe(ac, now), bi: certs.Describe(bc, now),
		same:        bytes.Equal(ac.Raw, bc.Raw),
		sameKey:     bytes.Equal(ac.RawSubjectPublicKeyInfo, bc.RawSubjectPublicKeyInfo),
		sameSubject: bytes.Equal(ac.RawSubject, bc.RawSubject),
		aSignedB:    signedBy(bc, a.Certs),
		bSignedA:    signedBy(ac, b.Certs),
	}
}

// signedBy reports whether any of parents signed c.
func signedBy(c *x509.Certificate, parents []*x509.Certificate) bool {
	for _, p := range parents {
		if c.CheckSignatureFrom(p) == nil {
			return true
		}
	}
	return false
}

func (c comparison) response() steps.DiagnoseResponse {
	out := cty.ObjectVal(map[string]cty.Value{
		"same":         cty.BoolVal(c.same),
		"same_key":     cty.BoolVal(c.sameKey),
		"same_subject": cty.BoolVal(c.sameSubject),
		"a_signed_b":   cty.BoolVal(c.aSignedB),
		"b_signed_a":   cty.BoolVal(c.bSignedA),
		"verdict":      cty.StringVal(c.verdict()),
		"a":            cty.ObjectVal(FileValues(c.a, c.ai)),
		"b":            cty.ObjectVal(FileValues(c.b, c.bi)),
	})
	return steps.DiagnoseResponse{Output: out, Summary: c.summary(), Details: c.details()}
}

func (c comparison) details() []string {
	d := []string{
		fmt.Sprintf("a: %s: %s", c.a.Where(), c.ai.Subject),
		"a sha256 fingerprint: " + c.ai.SHA256Fingerprint,
		"a public key sha256:  " + c.ai.SPKISHA256,
		fmt.Sprintf("b: %s: %s", c.b.Where(), c.bi.Subject),
		"b sha256 fingerprint: " + c.bi.SHA256Fingerprint,
		"b public key sha256:  " + c.bi.SPKISHA256,
		fmt.Sprintf("verdict: %s (same key: %s, same subject: %s, a signed b: %s, b signed a: %s)",
			c.verdict(), yesNo(c.sameKey), yesNo(c.sameSubject), yesNo(c.aSignedB), yesNo(c.bSignedA)),
	}
	d = append(d, c.a.Notes()...)
	return append(d, c.b.Notes()...)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
