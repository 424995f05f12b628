package keymatch_test

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/certs/certstest"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/keymatch"
	"github.com/zclconf/go-cty/cty"
)

const passphrase = "correct horse battery"

// TestKeyMatchOverSSH compares keys and certificates made in the test on
// a host reached through a real sshd: a matching pair, a mismatched
// pair, a certificate request, inline PEM, encrypted keys (PKCS#8 and
// the traditional Proc-Type form) with no, the right and a wrong
// passphrase, and a world-readable key (refused, then allowed). No key
// material or passphrase appears in any result.
func TestKeyMatchOverSSH(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	dir := t.TempDir()
	ca := certstest.NewCA(t, "lab CA")
	server, other := ca.Issue(t, certstest.Options{CommonName: "apiserver"}), ca.Issue(t, certstest.Options{CommonName: "etcd"})
	key := certstest.WriteFile(t, dir, "apiserver.key", server.KeyPEM(t))
	crt := certstest.WriteFile(t, dir, "apiserver.crt", server.PEM())
	otherCrt := certstest.WriteFile(t, dir, "etcd.crt", other.PEM())
	csr := certstest.WriteFile(t, dir, "apiserver.csr", request(t, server))
	enc := opensslKey(t, key, filepath.Join(dir, "enc.key"), "-aes256")
	trad := opensslKey(t, key, filepath.Join(dir, "trad.key"), "-aes128", "-traditional")
	open := certstest.WriteFile(t, dir, "open.key", server.KeyPEM(t))
	if err := os.Chmod(open, 0o644); err != nil {
		t.Fatal(err)
	}
	path := cty.StringVal

	cases := []struct {
		name string
		cfg  keymatch.Config
		want string // verdict, or "error: <part of the message>"
	}{
		{"matching pair", keymatch.Config{Key: key, Cert: path(crt)}, keymatch.VerdictMatch},
		{"mismatched pair", keymatch.Config{Key: key, Cert: path(otherCrt)}, keymatch.VerdictMismatch},
		{"certificate request", keymatch.Config{Key: key, CSR: path(csr)}, keymatch.VerdictMatch},
		{"inline PEM", keymatch.Config{Key: key, Cert: path(string(server.PEM()))}, keymatch.VerdictMatch},
		{"inline PEM, other key", keymatch.Config{Key: key, Cert: path(string(other.PEM()))}, keymatch.VerdictMismatch},
		{"encrypted, no passphrase", keymatch.Config{Key: enc, Cert: path(crt)}, keymatch.VerdictEncrypted},
		{"encrypted, passphrase", keymatch.Config{Key: enc, Cert: path(crt), Passphrase: passphrase}, keymatch.VerdictMatch},
		{"encrypted, passphrase, mismatch", keymatch.Config{Key: enc, Cert: path(otherCrt), Passphrase: passphrase}, keymatch.VerdictMismatch},
		{"encrypted, wrong passphrase", keymatch.Config{Key: enc, Cert: path(crt), Passphrase: "Tr0ub4dor&3"}, keymatch.VerdictBadPassphrase},
		{"traditional encrypted, passphrase", keymatch.Config{Key: trad, Cert: path(crt), Passphrase: passphrase}, keymatch.VerdictMatch},
		{"traditional encrypted, no passphrase", keymatch.Config{Key: trad, Cert: path(crt)}, keymatch.VerdictEncrypted},
		{"world-readable", keymatch.Config{Key: open, Cert: path(crt)}, "error: is readable by anyone (mode 0644): refused unread"},
		{"world-readable, allowed", keymatch.Config{Key: open, Cert: path(crt), AllowWorldReadable: true}, keymatch.VerdictMatch},
		{"missing key", keymatch.Config{Key: filepath.Join(dir, "nope.key"), Cert: path(crt)}, "error: no such file"},
		{"a certificate is not a key", keymatch.Config{Key: crt, Cert: path(crt)}, "error: openssl could not read"},
		{"csr that is a certificate", keymatch.Config{Key: key, CSR: path(crt)}, "error: holds no CERTIFICATE REQUEST block"},
	}
	secrets := []string{passphrase, "Tr0ub4dor&3", pemBody(server.KeyPEM(t)), pemBody(readFile(t, enc))}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			if err := (keymatch.Type{}).ValidateConfig(&cfg); err != nil {
				t.Fatal(err)
			}
			resp, err := keymatch.Type{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: &cfg, Host: h})
			got := ""
			if err != nil {
				got = "error: " + err.Error()
				if want := strings.TrimPrefix(tc.want, "error: "); strings.Contains(got, want) {
					got = tc.want
				}
			} else {
				got = resp.Output.GetAttr("verdict").AsString()
				if m := resp.Output.GetAttr("match").True(); m != (got == keymatch.VerdictMatch) {
					t.Errorf("match = %v with verdict %s", m, got)
				}
			}
			if got != tc.want {
				t.Errorf("got %s, want %s (summary %q)", got, tc.want, resp.Summary)
			}
			all := got + resp.Summary + strings.Join(resp.Details, "\n") + resp.Output.GoString()
			for _, s := range secrets {
				if strings.Contains(all, s) {
					t.Errorf("the result holds secret %.12q…:\n%s", s, all)
				}
			}
		})
	}
}

// TestKeyMatchOutput: the figures of a match (key type, mode, digests,
// where the certificate came from) and the summary a reviewer reads.
func TestKeyMatchOutput(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	dir := t.TempDir()
	server := certstest.NewCA(t, "lab CA").Issue(t, certstest.Options{CommonName: "apiserver"})
	key := certstest.WriteFile(t, dir, "k.key", server.KeyPEM(t))
	crt := certstest.WriteFile(t, dir, "k.crt", server.PEM())
	resp, err := keymatch.Type{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: &keymatch.Config{Key: key, Cert: cty.StringVal(crt)}, Host: h})
	if err != nil {
		t.Fatal(err)
	}
	if errs := resp.Output.Type().TestConformance(keymatch.Type{}.Output()); len(errs) > 0 {
		t.Fatalf("output does not conform: %v", errs)
	}
	got := map[string]string{}
	for _, k := range []string{"verdict", "key_mode", "key_type", "cert_subject", "cert_source"} {
		got[k] = resp.Output.GetAttr(k).AsString()
	}
	want := map[string]string{"verdict": "match", "key_mode": "0600", "key_type": "ECDSA P-256", "cert_subject": "CN=apiserver",
		"cert_source": crt + " on " + h.Info().Name}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if a, b := resp.Output.GetAttr("key_spki_sha256"), resp.Output.GetAttr("cert_spki_sha256"); !a.RawEquals(b) || a.AsString() == "" {
		t.Errorf("key_spki_sha256 %#v, cert_spki_sha256 %#v: want equal", a, b)
	}
	if wantSum := key + ` (ECDSA P-256) matches certificate "CN=apiserver"`; resp.Summary != wantSum {
		t.Errorf("Summary = %q, want %q", resp.Summary, wantSum)
	}
}

// request makes a PEM certificate request signed by c's key.
func request(t *testing.T, c certstest.Cert) []byte {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "apiserver"}}, c.Key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}

// opensslKey encrypts the key at in with openssl (a real encrypted key,
// as operators make them) and returns its path.
func opensslKey(t *testing.T, in, out string, args ...string) string {
	t.Helper()
	cmd := exec.Command("openssl", append([]string{"pkey", "-in", in, "-out", out, "-passout", "pass:" + passphrase}, args...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl: %v\n%s", err, b)
	}
	if b := readFile(t, out); !strings.Contains(string(b), "ENCRYPTED") {
		t.Fatalf("%s is not encrypted:\n%s", out, b)
	}
	return out
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pemBody is the base64 of a PEM block's first line of content.
func pemBody(b []byte) string {
	blk, _ := pem.Decode(b)
	return base64.StdEncoding.EncodeToString(blk.Bytes)[:40]
}
