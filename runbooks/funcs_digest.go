package runbooks

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// Digests are lower-case hex without separators (as sha256sum, Terraform
// and file_read.sha256 print them): mend's one format for digests compared
// across steps. Certificate fingerprints of the x509 and tls_probe steps
// keep openssl's form (upper-case hex bytes separated by colons, as
// `openssl x509 -fingerprint` prints them); hexdigest and hexcolons convert
// between the two.

var sha256Func = stringFunc("Returns the lower-case hex SHA-256 digest of the UTF-8 string.",
	func(s string) (string, error) {
		sum := sha256.Sum256([]byte(s))
		return hex.EncodeToString(sum[:]), nil
	})

var sha1Func = stringFunc("Returns the lower-case hex SHA-1 digest of the UTF-8 string.",
	func(s string) (string, error) {
		sum := sha1.Sum([]byte(s))
		return hex.EncodeToString(sum[:]), nil
	})

var md5Func = stringFunc("Returns the lower-case hex MD5 digest of the UTF-8 string.",
	func(s string) (string, error) {
		sum := md5.Sum([]byte(s))
		return hex.EncodeToString(sum[:]), nil
	})

var base64SHA256Func = stringFunc("Returns the base64 encoding of the SHA-256 digest of the UTF-8 string.",
	func(s string) (string, error) {
		sum := sha256.Sum256([]byte(s))
		return base64.StdEncoding.EncodeToString(sum[:]), nil
	})

var hexDigestFunc = stringFunc("Returns a hex digest or fingerprint (with or without colons, any case) as lower-case hex without separators.",
	func(s string) (string, error) {
		b, err := parseHexDigest(s)
		if err != nil {
			return "", err
		}
		return hex.EncodeToString(b), nil
	})

var hexColonsFunc = stringFunc("Returns a hex digest or fingerprint (with or without colons, any case) as upper-case hex bytes separated by colons, as openssl prints fingerprints.",
	func(s string) (string, error) {
		b, err := parseHexDigest(s)
		if err != nil {
			return "", err
		}
		parts := make([]string, len(b))
		for i, c := range b {
			parts[i] = fmt.Sprintf("%02X", c)
		}
		return strings.Join(parts, ":"), nil
	})

// parseHexDigest reads hex in either form, so that a typo or a value that
// is not a digest at all is an error rather than a silent mismatch.
func parseHexDigest(s string) ([]byte, error) {
	plain := strings.ReplaceAll(s, ":", "")
	b, err := hex.DecodeString(plain)
	if err != nil || len(b) == 0 {
		return nil, fmt.Errorf("%q is not a hex digest (want hex digits, optionally in colon-separated pairs)", truncate(s, 80))
	}
	if strings.Contains(s, ":") && len(s) != 3*len(b)-1 {
		return nil, fmt.Errorf("%q is not a hex digest: colons must separate pairs of hex digits", truncate(s, 80))
	}
	return b, nil
}

// truncate shortens s to about n bytes, at a character boundary, for an
// error message.
func truncate(s string, n int) string {
	for i := range s {
		if i >= n {
			return s[:i] + "…"
		}
	}
	return s
}
