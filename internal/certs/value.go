package certs

import (
	"time"

	"github.com/zclconf/go-cty/cty"
)

// InfoAttributes is the cty type of each Info field, keyed by the
// attribute name runbooks use. Step types that embed a certificate's Info
// in their output start from this map (see Info.Attributes).
func InfoAttributes() map[string]cty.Type {
	return map[string]cty.Type{
		"subject":            cty.String,
		"issuer":             cty.String,
		"serial":             cty.String,
		"sha256_fingerprint": cty.String,
		"spki_sha256":        cty.String,
		"ski":                cty.String,
		"aki":                cty.String,
		"not_before":         cty.String,
		"not_after":          cty.String,
		"expired":            cty.Bool,
		"days_left":          cty.Number,
		"is_ca":              cty.Bool,
		"dns_names":          cty.List(cty.String),
		"ip_addresses":       cty.List(cty.String),
		"pem":                cty.String,
	}
}

// Attributes returns the Info as cty values conforming to InfoAttributes.
// Times are RFC 3339 in UTC.
func (i Info) Attributes() map[string]cty.Value {
	return map[string]cty.Value{
		"subject":            cty.StringVal(i.Subject),
		"issuer":             cty.StringVal(i.Issuer),
		"serial":             cty.StringVal(i.Serial),
		"sha256_fingerprint": cty.StringVal(i.SHA256Fingerprint),
		"spki_sha256":        cty.StringVal(i.SPKISHA256),
		"ski":                cty.StringVal(i.SKI),
		"aki":                cty.StringVal(i.AKI),
		"not_before":         cty.StringVal(i.NotBefore.Format(time.RFC3339)),
		"not_after":          cty.StringVal(i.NotAfter.Format(time.RFC3339)),
		"expired":            cty.BoolVal(i.Expired),
		"days_left":          cty.NumberIntVal(int64(i.DaysLeft)),
		"is_ca":              cty.BoolVal(i.IsCA),
		"dns_names":          StringList(i.DNSNames),
		"ip_addresses":       StringList(i.IPAddresses),
		"pem":                cty.StringVal(i.PEM),
	}
}

// StringList returns ss as a cty list of strings; an empty or nil slice
// gives an empty list (never null), so runbooks can call length() on it.
func StringList(ss []string) cty.Value {
	if len(ss) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	vals := make([]cty.Value, len(ss))
	for i, s := range ss {
		vals[i] = cty.StringVal(s)
	}
	return cty.ListVal(vals)
}
