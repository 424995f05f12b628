package certs

import (
	"crypto/x509"
	"fmt"
	"math"
	"time"
)

// Info is what mend reports about one certificate: who it names, who
// issued it, its identity (certificate and public-key fingerprints) and its
// validity. It never holds key material: a certificate carries only a
// public key, and PEM is re-encoded from the certificate alone.
type Info struct {
	Subject           string    // pkix.Name.String(), RFC 2253 order ("CN=x,O=y")
	Issuer            string    // same form as Subject
	Serial            string    // uppercase hex, as `openssl x509 -serial`
	SHA256Fingerprint string    // HexColon SHA-256 of the DER certificate
	SPKISHA256        string    // HexColon SHA-256 of the DER public key info
	SKI               string    // subject key identifier, HexColon; "" if absent
	AKI               string    // authority key identifier, HexColon; "" if absent
	NotBefore         time.Time // UTC
	NotAfter          time.Time // UTC
	Expired           bool      // now is after NotAfter
	DaysLeft          int       // whole days until NotAfter; negative once expired
	IsCA              bool      // basic constraints say CA:TRUE
	DNSNames          []string  // subject alternative DNS names
	IPAddresses       []string  // subject alternative IP addresses
	PEM               string    // this certificate alone, one PEM block
}

// Describe returns the Info of c as seen at now (which decides Expired and
// DaysLeft). Callers pass time.Now(); tests pass a fixed time.
func Describe(c *x509.Certificate, now time.Time) Info {
	ips := make([]string, 0, len(c.IPAddresses))
	for _, ip := range c.IPAddresses {
		ips = append(ips, ip.String())
	}
	return Info{
		Subject:           c.Subject.String(),
		Issuer:            c.Issuer.String(),
		Serial:            serial(c),
		SHA256Fingerprint: Fingerprint(c),
		SPKISHA256:        SPKIFingerprint(c),
		SKI:               HexColon(c.SubjectKeyId),
		AKI:               HexColon(c.AuthorityKeyId),
		NotBefore:         c.NotBefore.UTC(),
		NotAfter:          c.NotAfter.UTC(),
		Expired:           now.After(c.NotAfter),
		DaysLeft:          daysLeft(c.NotAfter, now),
		IsCA:              c.BasicConstraintsValid && c.IsCA,
		DNSNames:          append([]string{}, c.DNSNames...),
		IPAddresses:       ips,
		PEM:               EncodePEM(c),
	}
}

// daysLeft is the number of whole days from now to notAfter, rounded
// down: -1 for a certificate that expired less than a day ago.
func daysLeft(notAfter, now time.Time) int {
	return int(math.Floor(notAfter.Sub(now).Hours() / 24))
}

// Summary is the one-line human form used by step summaries:
// `CN=Puppet CA: lab, SHA256 AB:CD:EF:01:23:45…, expires 2027-01-02 (400 days)`.
func (i Info) Summary() string {
	return fmt.Sprintf("%s, SHA256 %s, %s", i.Subject, ShortFingerprint(i.SHA256Fingerprint), i.expiry())
}

func (i Info) expiry() string {
	date := i.NotAfter.Format(time.DateOnly)
	if i.Expired {
		return fmt.Sprintf("EXPIRED %s (%d days ago)", date, -i.DaysLeft)
	}
	return fmt.Sprintf("expires %s (%d days)", date, i.DaysLeft)
}
