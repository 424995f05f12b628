package certstest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Cert is a certificate with its private key.
type Cert struct {
	Cert *x509.Certificate
	Key  *ecdsa.PrivateKey
}

// CA is a certificate authority that can issue certificates.
type CA struct{ Cert }

// Options shape a certificate Issue makes. Zero values give a server
// certificate valid from an hour ago for a year.
type Options struct {
	CommonName string
	DNSNames   []string
	IPs        []string
	NotBefore  time.Time     // zero: an hour ago
	Validity   time.Duration // zero: a year
	Client     bool          // client auth usage instead of server auth
}

// NewCA makes a self-signed CA named "CN=<cn>" with a fresh key. Two CAs
// made with the same cn share their subject and differ in key: the
// same-name-different-key case.
func NewCA(t testing.TB, cn string) *CA {
	t.Helper()
	key := newKey(t)
	tmpl := template(cn, time.Time{}, 0)
	tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
	tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature
	return &CA{Cert{Cert: create(t, tmpl, tmpl, key, key), Key: key}}
}

// Issue makes a certificate signed by ca.
func (ca *CA) Issue(t testing.TB, o Options) Cert {
	t.Helper()
	key := newKey(t)
	tmpl := template(o.CommonName, o.NotBefore, o.Validity)
	tmpl.DNSNames = o.DNSNames
	for _, ip := range o.IPs {
		tmpl.IPAddresses = append(tmpl.IPAddresses, net.ParseIP(ip))
	}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	if o.Client {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	return Cert{Cert: create(t, tmpl, ca.Cert.Cert, key, ca.Key), Key: key}
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func template(cn string, notBefore time.Time, validity time.Duration) *x509.Certificate {
	if notBefore.IsZero() {
		notBefore = time.Now().Add(-time.Hour)
	}
	if validity == 0 {
		validity = 365 * 24 * time.Hour
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    notBefore,
		NotAfter:     notBefore.Add(validity),
	}
}

func create(t testing.TB, tmpl, parent *x509.Certificate, key, parentKey *ecdsa.PrivateKey) *x509.Certificate {
	t.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// PEM returns the certificate as a PEM block.
func (c Cert) PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Cert.Raw})
}

// KeyPEM returns the private key as a PEM "PRIVATE KEY" block.
func (c Cert) KeyPEM(t testing.TB) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(c.Key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// TLS returns the certificate and key for a tls.Config, with the given
// extra chain certificates sent after it.
func (c Cert) TLS(chain ...Cert) tls.Certificate {
	tc := tls.Certificate{Certificate: [][]byte{c.Cert.Raw}, PrivateKey: c.Key, Leaf: c.Cert}
	for _, x := range chain {
		tc.Certificate = append(tc.Certificate, x.Cert.Raw)
	}
	return tc
}

// WriteFile writes data to name in dir (created if needed) and returns
// its path.
func WriteFile(t testing.TB, dir, name string, data ...[]byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	var all []byte
	for _, d := range data {
		all = append(all, d...)
	}
	if err := os.WriteFile(p, all, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Reissue makes a new self-signed CA certificate with ca's subject and
// key but a new serial and validity: a re-issued CA (same key).
func (ca *CA) Reissue(t testing.TB) *CA {
	t.Helper()
	tmpl := template(ca.Cert.Cert.Subject.CommonName, time.Time{}, 2*365*24*time.Hour)
	tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
	tmpl.KeyUsage = ca.Cert.Cert.KeyUsage
	return &CA{Cert{Cert: create(t, tmpl, tmpl, ca.Key, ca.Key), Key: ca.Key}}
}
