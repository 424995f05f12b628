package tlsprobe

import (
	"crypto/tls"
	"crypto/x509"
	"time"

	"github.com/mend-sh/mend/internal/certs"
	"github.com/zclconf/go-cty/cty"
)

// chainEntryType is one served certificate in served_chain.
var chainEntryType = cty.Object(map[string]cty.Type{
	"subject":            cty.String,
	"issuer":             cty.String,
	"sha256_fingerprint": cty.String,
	"not_after":          cty.String,
})

// endpointType is one endpoint's result in `endpoints`.
var endpointType = cty.Object(map[string]cty.Type{
	"endpoint":   cty.String,
	"verdict":    cty.String,
	"ok":         cty.Bool,
	"error":      cty.String,
	"elapsed_ms": cty.Number,
})

// Output is tls_probe's result. For one endpoint:
//
//	verdict        ok, unknown_authority, expired, name_mismatch,
//	               client_cert_rejected, unreachable, timeout or
//	               handshake_failed
//	ok             verdict == "ok"
//	error          why not ok ("" when ok); x509's or crypto/tls's error,
//	               plus a sentence when a same-named CA with another key
//	               is what ca_file holds
//	endpoint       as configured
//	server_name    the name verified (server_name, else the endpoint host)
//	served_chain   the certificates the server sent, leaf first: subject,
//	               issuer, sha256_fingerprint (HexColon), not_after
//	               (RFC 3339); empty when no handshake got that far
//	served_issuer  the leaf's issuer ("" without a chain)
//	verified_by    the candidate_ca_files that would verify the served
//	               chain now, in the given order, as "path" (target host)
//	               or "host:path"
//	tls_version    "TLS 1.3", "TLS 1.2"; "" without a completed handshake
//	client_cert_requested  the server asked for a client certificate (null
//	                       when the handshake stopped at the server's certificate)
//	elapsed_ms     dial and handshake time in milliseconds
//	endpoints      one element: { endpoint, verdict, ok, error, elapsed_ms }
//
// For several endpoints (`endpoints`), the same attributes aggregate them:
//
//	verdict        "ok" when every endpoint is ok, else the most telling
//	               non-ok verdict, in this order: unknown_authority,
//	               expired, name_mismatch, client_cert_rejected,
//	               handshake_failed, timeout, unreachable
//	ok             every endpoint is ok
//	error, endpoint, server_name
//	               those of the first endpoint with that verdict
//	served_chain, served_issuer, tls_version, client_cert_requested
//	               those of the first endpoint that served a chain
//	verified_by    the candidates that verify the served chain of every
//	               endpoint that served one
//	elapsed_ms     the sum over the endpoints
//	endpoints      each endpoint's own result, in the given order
func (Probe) Output() cty.Type {
	return cty.Object(map[string]cty.Type{
		"verdict":               cty.String,
		"ok":                    cty.Bool,
		"error":                 cty.String,
		"endpoint":              cty.String,
		"server_name":           cty.String,
		"served_chain":          cty.List(chainEntryType),
		"served_issuer":         cty.String,
		"verified_by":           cty.List(cty.String),
		"tls_version":           cty.String,
		"client_cert_requested": cty.Bool,
		"elapsed_ms":            cty.Number,
		"endpoints":             cty.List(endpointType),
	})
}

func (a aggregate) output() cty.Value {
	c, s := a.chosen(), a.served()
	issuer := ""
	if len(s.chain) > 0 {
		issuer = s.chain[0].Issuer.String()
	}
	version := ""
	if s.version != 0 {
		version = tls.VersionName(s.version)
	}
	return cty.ObjectVal(map[string]cty.Value{
		"verdict":               cty.StringVal(c.verdict),
		"ok":                    cty.BoolVal(c.verdict == VerdictOK),
		"error":                 cty.StringVal(c.errorText()),
		"endpoint":              cty.StringVal(c.endpoint),
		"server_name":           cty.StringVal(c.name),
		"served_chain":          chainValue(s.chain),
		"served_issuer":         cty.StringVal(issuer),
		"verified_by":           certs.StringList(verifiedByAll(a.parts)),
		"tls_version":           cty.StringVal(version),
		"client_cert_requested": s.askedValue(),
		"elapsed_ms":            cty.NumberIntVal(a.elapsed().Milliseconds()),
		"endpoints":             a.endpointsValue(),
	})
}

func (a aggregate) endpointsValue() cty.Value {
	vals := make([]cty.Value, len(a.parts))
	for i, p := range a.parts {
		vals[i] = cty.ObjectVal(map[string]cty.Value{
			"endpoint":   cty.StringVal(p.endpoint),
			"verdict":    cty.StringVal(p.verdict),
			"ok":         cty.BoolVal(p.verdict == VerdictOK),
			"error":      cty.StringVal(p.errorText()),
			"elapsed_ms": cty.NumberIntVal(p.elapsed.Milliseconds()),
		})
	}
	return cty.ListVal(vals)
}

func chainValue(chain []*x509.Certificate) cty.Value {
	if len(chain) == 0 {
		return cty.ListValEmpty(chainEntryType)
	}
	vals := make([]cty.Value, len(chain))
	for i, c := range chain {
		vals[i] = cty.ObjectVal(map[string]cty.Value{
			"subject":            cty.StringVal(c.Subject.String()),
			"issuer":             cty.StringVal(c.Issuer.String()),
			"sha256_fingerprint": cty.StringVal(certs.Fingerprint(c)),
			"not_after":          cty.StringVal(c.NotAfter.UTC().Format(time.RFC3339)),
		})
	}
	return cty.ListVal(vals)
}

// askedValue is client_cert_requested: null when the handshake stopped
// before the probe could know (see askedKnown).
func (r report) askedValue() cty.Value {
	if !r.askedKnown() {
		return cty.NullVal(cty.Bool)
	}
	return cty.BoolVal(r.asked)
}
