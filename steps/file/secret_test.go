package file

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/mend-sh/mend/steps"
)

// testKeys are private keys generated for the test, in every encoding a
// file or a command's output may hold them.
type testKeys struct {
	rsaPKCS1, rsaPKCS8, ecSEC1, ecPKCS8, edPKCS8 []byte // DER
	openSSH                                      []byte // PEM
}

func newTestKeys(t *testing.T) testKeys {
	t.Helper()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k := testKeys{rsaPKCS1: x509.MarshalPKCS1PrivateKey(rsaKey)}
	for _, m := range []struct {
		dst *[]byte
		f   func() ([]byte, error)
	}{
		{&k.rsaPKCS8, func() ([]byte, error) { return x509.MarshalPKCS8PrivateKey(rsaKey) }},
		{&k.ecSEC1, func() ([]byte, error) { return x509.MarshalECPrivateKey(ecKey) }},
		{&k.ecPKCS8, func() ([]byte, error) { return x509.MarshalPKCS8PrivateKey(ecKey) }},
		{&k.edPKCS8, func() ([]byte, error) { return x509.MarshalPKCS8PrivateKey(edKey) }},
		{&k.openSSH, func() ([]byte, error) {
			b, err := ssh.MarshalPrivateKey(edKey, "mend test")
			return pem.EncodeToMemory(b), err
		}},
	} {
		if *m.dst, err = m.f(); err != nil {
			t.Fatal(err)
		}
	}
	return k
}

func pemOf(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// kubeconfig is an admin.conf as kubeadm writes it, with the given user
// fields.
func kubeconfig(caPEM, user string) []byte {
	return []byte(`apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ` + base64.StdEncoding.EncodeToString([]byte(caPEM)) + `
    server: https://127.0.0.1:6443
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: kubernetes-admin
  name: kubernetes-admin@kubernetes
current-context: kubernetes-admin@kubernetes
kind: Config
preferences: {}
users:
- name: kubernetes-admin
  user:
` + user)
}

// secretCase is content and whether it holds a secret.
type secretCase struct {
	name    string
	content []byte
	want    bool
}

func TestContainsSecret(t *testing.T) {
	for _, tt := range secretCases(t) {
		t.Run(tt.name, func(t *testing.T) {
			if got := steps.ContainsSecret(tt.content); got != tt.want {
				t.Errorf("ContainsSecret = %v, want %v; content %.200q", got, tt.want, tt.content)
			}
		})
	}
}

func secretCases(t *testing.T) []secretCase {
	k := newTestKeys(t)
	ca := newTestCA(t, "kubernetes", 7)
	certDER := mustDER(t, ca.certPEM)
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	return []secretCase{
		{"RSA PKCS#1 PEM", pemOf("RSA PRIVATE KEY", k.rsaPKCS1), true},
		{"RSA PKCS#8 PEM after a certificate", append([]byte(ca.certPEM), pemOf("PRIVATE KEY", k.rsaPKCS8)...), true},
		{"EC SEC1 PEM", pemOf("EC PRIVATE KEY", k.ecSEC1), true},
		{"EC PKCS#8 PEM", pemOf("PRIVATE KEY", k.ecPKCS8), true},
		{"ed25519 PKCS#8 PEM", pemOf("PRIVATE KEY", k.edPKCS8), true},
		{"encrypted PKCS#8 PEM header", []byte("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkq\n-----END ENCRYPTED PRIVATE KEY-----\n"), true},
		{"OpenSSH private key", k.openSSH, true},
		{"RSA PKCS#1 DER", k.rsaPKCS1, true},
		{"RSA PKCS#8 DER", k.rsaPKCS8, true},
		{"EC SEC1 DER", k.ecSEC1, true},
		{"EC PKCS#8 DER", k.ecPKCS8, true},
		{"ed25519 PKCS#8 DER", k.edPKCS8, true},
		{"kubeconfig client-key-data (EC)", kubeconfig(ca.certPEM,
			"    client-certificate-data: "+b64([]byte(ca.certPEM))+"\n    client-key-data: "+b64(pemOf("EC PRIVATE KEY", k.ecSEC1))+"\n"), true},
		{"base64 RSA key in a Kubernetes secret (JSON)", []byte(`{"data": {"tls.crt": "` + b64([]byte(ca.certPEM)) + `", "tls.key": "` + b64(pemOf("RSA PRIVATE KEY", k.rsaPKCS1)) + `"}}`), true},
		{"base64 ed25519 key, unpadded, in an env file", []byte("KEY=" + base64.RawStdEncoding.EncodeToString(pemOf("PRIVATE KEY", k.edPKCS8)) + "\n"), true},
		{"client-key-data holding base64 DER", []byte("client-key-data: " + b64(k.ecSEC1) + "\n"), true},
		{"kubeconfig bearer token", kubeconfig(ca.certPEM, "    token: eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2ln\n"), true},
		{"kubeconfig basic auth", kubeconfig(ca.certPEM, "    username: admin\n    password: hunter2hunter2\n"), true},

		{"certificate PEM", []byte(ca.certPEM), false},
		{"openssl -text of an ed25519 key", []byte("ED25519 Private-Key:\npriv:\n    3f:a5:c9:1f:d3:96:fa:ec:0a:4f:fb:90:e3:2c:b8:\npub:\n"), true},
		{"openssl -text of an RSA key", []byte("Private-Key: (1024 bit, 2 primes)\nmodulus:\n    00:c1:…\npublicExponent: 65537 (0x10001)\nprivateExponent:\n    12:34\n"), true},
		{"openssl -text of a public key", []byte("Public-Key: (256 bit)\npub:\n    04:aa\nASN1 OID: prime256v1\n"), false},
		{"certificate DER", certDER, false},
		{"public key PEM", pemOf("PUBLIC KEY", mustPKIX(t, k.edPKCS8)), false},
		{"kubeconfig with certificates only", kubeconfig(ca.certPEM,
			"    client-certificate-data: "+b64([]byte(ca.certPEM))+"\n    client-key: /etc/kubernetes/pki/admin.key\n"), false},
		{"kubeconfig with an empty token", kubeconfig(ca.certPEM, "    token: \"\"\n"), false},
		{"token outside a kubeconfig", []byte("bootstrap:\n  token: abcdef.0123456789abcdef\n"), false},
		{"plain text", []byte("ETCD_NAME=etcd-01\nETCD_DATA_DIR=/var/lib/etcd\n"), false},
		{"the word PRIVATE KEY in prose", []byte("copy the private key to /etc/ssl/private\n"), false},
		{"empty", nil, false},
	}
}

// mustPKIX is the DER public key of a PKCS #8 private key.
func mustPKIX(t *testing.T, pkcs8 []byte) []byte {
	t.Helper()
	key, err := x509.ParsePKCS8PrivateKey(pkcs8)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(key.(ed25519.PrivateKey).Public())
	if err != nil {
		t.Fatal(err)
	}
	return der
}
