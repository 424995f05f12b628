package etcdtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
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

// PKI is the certificate files of a test cluster, all PEM.
type PKI struct {
	CAFile      string // the CA every member and the client trust
	ClientCert  string // CN=root, clientAuth, signed by CAFile's CA
	ClientKey   string
	WrongCAFile string // an unrelated CA with the same subject as CAFile's
	WrongCert   string // a serving certificate signed by WrongCAFile's CA
	WrongKey    string

	dir       string
	ca, wrong *issuer
}

// issuer is a CA that can sign.
type issuer struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// newPKI writes a CA, a client certificate and a same-named wrong CA with
// one serving certificate into dir.
func newPKI(t testing.TB, dir string) *PKI {
	t.Helper()
	p := &PKI{dir: dir}
	p.ca, p.CAFile = newCA(t, dir, "ca")
	p.wrong, p.WrongCAFile = newCA(t, dir, "wrong-ca")
	p.ClientCert, p.ClientKey = p.ca.issue(t, dir, "client", "root", x509.ExtKeyUsageClientAuth)
	p.WrongCert, p.WrongKey = p.wrong.issue(t, dir, "wrong-server", "etcd", x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth)
	return p
}

// MemberCert issues a member certificate (serverAuth and clientAuth, for
// 127.0.0.1 and localhost) named name, and returns its files.
func (p *PKI) MemberCert(t testing.TB, name string) (certFile, keyFile string) {
	t.Helper()
	return p.ca.issue(t, p.dir, name, name, x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth)
}

func newCA(t testing.TB, dir, name string) (*issuer, string) {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          serial(t),
		Subject:               pkix.Name{CommonName: "etcdtest CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".crt")
	writePEM(t, path, "CERTIFICATE", der, 0o644)
	return &issuer{cert: cert, key: key}, path
}

func (ca *issuer) issue(t testing.TB, dir, name, cn string, usage ...x509.ExtKeyUsage) (string, string) {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber: serial(t),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  usage,
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cert, keyFile := filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	writePEM(t, cert, "CERTIFICATE", der, 0o644)
	writePEM(t, keyFile, "EC PRIVATE KEY", kder, 0o600)
	return cert, keyFile
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func serial(t testing.TB) *big.Int {
	t.Helper()
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func writePEM(t testing.TB, path, typ string, der []byte, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), mode); err != nil {
		t.Fatal(err)
	}
}
