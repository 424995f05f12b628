package steps

import (
	"bufio"
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"regexp"
	"strings"
)

// ContainsSecret reports whether b holds key material or credentials that
// must never reach a plan, a view or the audit log. Step types call it on
// content they read or print (a file, a command's output) and then mark
// the value with Sensitive and show digests instead of text. It looks for:
//
//   - a PEM or PGP private key: any "-----BEGIN ... PRIVATE KEY" line,
//     encrypted ones included;
//   - a base64-encoded PEM private key, as in a kubeconfig's
//     client-key-data or a Kubernetes secret's tls.key: a base64 word
//     starting "LS0tLS1CRUdJTi" ("-----BEGIN") that decodes to one;
//   - a DER private key: the whole of b parses as PKCS #8, PKCS #1 or
//     SEC 1 (EC);
//   - a YAML key ending in "key-data" with a value (client-key-data);
//   - a key printed as text by openssl ("Private-Key:" followed by
//     "priv:" or "privateExponent:");
//   - in a kubeconfig (a file with "kind: Config" and "users:"), the user
//     credentials token, password, id-token, refresh-token, client-secret.
//
// It is deliberately narrow, to keep false positives low: certificates,
// public keys and ordinary configuration are not secrets, and a
// "password=" line elsewhere is not recognised (a value derived from a
// sensitive variable is redacted by the engine instead). Nor are
// base64-encoded DER keys without PEM armour.
//
// Each test first looks for a literal with bytes.Contains (linear, and
// fast) and runs its regular expression only where that is found: a
// multi-line regular expression over 1 MiB of ordinary text took 0.26 s.
func ContainsSecret(b []byte) bool {
	return has(b, "PRIVATE KEY", pemPrivateKey) || hasBase64PEMKey(b) || isDERPrivateKey(b) ||
		hasCredentialKey(b) || has(b, "Private-Key:", textPrivateKey)
}

// SecretLiterals returns literals one of which occurs in any content for
// which ContainsSecret is true, unless the content is a DER key (its first
// byte is 0x30). Where none occurs, content holds no secret, so a host can
// look for them (grep -F) in content it does not send.
func SecretLiterals() []string {
	return []string{"PRIVATE KEY", "LS0tLS1CRUdJTi", "key-data:", "users:", "Private-Key:"}
}

// has runs re over b only when b contains lit, a literal every match has.
func has(b []byte, lit string, re *regexp.Regexp) bool {
	return bytes.Contains(b, []byte(lit)) && re.Match(b)
}

// textPrivateKey matches `openssl pkey|rsa|ec -text` output of a private
// key: the "Private-Key:" heading and then its secret component.
var textPrivateKey = regexp.MustCompile(`(?s)Private-Key:.*\n(priv|privateExponent|private-key):`)

// pemPrivateKey matches the header of any PEM or PGP private key.
var pemPrivateKey = regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY`)

// base64PEM matches a base64 word that starts with "-----BEGIN" encoded.
var base64PEM = regexp.MustCompile(`LS0tLS1CRUdJTi[A-Za-z0-9+/]*=*`)

// hasBase64PEMKey reports whether a base64 word in b decodes to a PEM
// private key header. Only a word's start is decoded: the header is in
// its first 60 bytes.
func hasBase64PEMKey(b []byte) bool {
	if !bytes.Contains(b, []byte("LS0tLS1CRUdJTi")) {
		return false
	}
	for _, word := range base64PEM.FindAll(b, -1) {
		s := strings.TrimRight(string(word), "=")
		s = s[:min(len(s), 128)]
		s = s[:len(s)-len(s)%4]
		if dec, err := base64.RawStdEncoding.DecodeString(s); err == nil && pemPrivateKey.Match(dec) {
			return true
		}
	}
	return false
}

// isDERPrivateKey reports whether b, whole, is a DER private key.
func isDERPrivateKey(b []byte) bool {
	if len(b) < 2 || b[0] != 0x30 { // every DER key is an ASN.1 SEQUENCE
		return false
	}
	if _, err := x509.ParsePKCS8PrivateKey(b); err == nil {
		return true
	}
	if _, err := x509.ParsePKCS1PrivateKey(b); err == nil {
		return true
	}
	_, err := x509.ParseECPrivateKey(b)
	return err == nil
}

// yamlKey matches a YAML mapping line "  key: value" (or "- key: value")
// and captures the key and the value.
var yamlKey = regexp.MustCompile(`^\s*(?:-\s+)?([A-Za-z0-9_.-]+):\s*(\S.*)?$`)

// kubeconfigCredentials are the user fields of a kubeconfig that hold a
// credential.
var kubeconfigCredentials = map[string]bool{
	"token": true, "password": true, "id-token": true, "refresh-token": true, "client-secret": true,
}

// hasCredentialKey reports whether b has a "*key-data:" line with a value
// or, in a kubeconfig, a user credential with a value.
func hasCredentialKey(b []byte) bool {
	kube := isKubeconfig(b)
	if !kube && !bytes.Contains(b, []byte("key-data:")) {
		return false
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		m := yamlKey.FindSubmatch(sc.Bytes())
		if m == nil || len(bytes.TrimSpace(m[2])) == 0 || isEmptyValue(m[2]) {
			continue
		}
		key := string(m[1])
		if strings.HasSuffix(key, "key-data") || (kube && kubeconfigCredentials[key]) {
			return true
		}
	}
	return false
}

// isEmptyValue reports whether a YAML value is empty: empty quotes, null
// or a tilde.
func isEmptyValue(v []byte) bool {
	switch string(bytes.TrimSpace(v)) {
	case `""`, `''`, "null", "~":
		return true
	}
	return false
}

// isKubeconfig reports whether b looks like a kubeconfig file.
func isKubeconfig(b []byte) bool {
	return has(b, "users:", kubeconfigUsers) && has(b, "Config", kubeconfigKind)
}

var (
	kubeconfigKind  = regexp.MustCompile(`(?m)^kind:\s*Config\s*$`)
	kubeconfigUsers = regexp.MustCompile(`(?m)^users:`)
)
