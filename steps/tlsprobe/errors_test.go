package tlsprobe_test

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mend-sh/mend/internal/certs/certstest"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/tlsprobe"
)

func TestProbeErrors(t *testing.T) {
	l := newLab(t)
	dir := t.TempDir()
	keyOnly := certstest.WriteFile(t, dir, "key-as-cert.pem", l.client.KeyPEM(t))
	inv := localInventory()
	cases := []struct {
		name      string
		host      steps.Host
		cfg       tlsprobe.Config
		wantClass steps.ErrorClass
		wantErr   string
	}{
		{"no target host", nil, tlsprobe.Config{Endpoint: "127.0.0.1:1", CAFile: l.files["ca1"]}, steps.ClassConfig,
			"tls_probe: no target host: put the step `on` the host to probe from"},
		{"missing ca_file", inv["master"], tlsprobe.Config{Endpoint: "127.0.0.1:1", CAFile: dir + "/none.pem"}, steps.ClassStep,
			"tls_probe: ca_file: " + dir + "/none.pem on master: no such file"},
		{"missing key_file", inv["master"], tlsprobe.Config{Endpoint: "127.0.0.1:1", CAFile: l.files["ca1"],
			CertFile: l.files["client"], KeyFile: dir + "/none.key"}, steps.ClassStep,
			"tls_probe: key_file: " + dir + "/none.key on master: no such file"},
		{"key does not match certificate", inv["master"], tlsprobe.Config{Endpoint: "127.0.0.1:1", CAFile: l.files["ca1"],
			CertFile: l.files["client"], KeyFile: l.files["rogue.key"]}, steps.ClassStep,
			"tls_probe: client certificate " + l.files["client"] + " / key " + l.files["rogue.key"] + " on master: tls: private key does not match public key"},
		{"key where the certificate should be", inv["master"], tlsprobe.Config{Endpoint: "127.0.0.1:1", CAFile: l.files["ca1"],
			CertFile: keyOnly, KeyFile: l.files["client.key"]}, steps.ClassStep,
			"tls_probe: client certificate " + keyOnly + " / key " + l.files["client.key"] +
				" on master: tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tlsprobe.Probe{}.Diagnose(context.Background(), steps.DiagnoseRequest{Config: &tc.cfg, Host: tc.host, Hosts: inv})
			if diff := cmp.Diff(tc.wantErr, errText(err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if got := steps.Classify(err); got != tc.wantClass {
				t.Errorf("class = %q, want %q", got, tc.wantClass)
			}
			assertNoKeyMaterial(t, errText(err), l)
		})
	}
}

func TestProbeCanceled(t *testing.T) {
	l := newLab(t)
	s := newServers(t)
	addr := s.silent(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(100*time.Millisecond, cancel) // mid-handshake: the server never answers
	_, err := tlsprobe.Probe{}.Diagnose(ctx, steps.DiagnoseRequest{
		Config: &tlsprobe.Config{Endpoint: addr, CAFile: l.files["ca1"]}, Host: localInventory()["master"]})
	if got := steps.Classify(err); got != steps.ClassCanceled {
		t.Errorf("Diagnose with a cancelled context: class %q (err %v), want canceled", got, err)
	}
}

// TestProbeNeverShowsKeyMaterial runs the mTLS cases and searches every
// rendered part of the response for the client key.
func TestProbeNeverShowsKeyMaterial(t *testing.T) {
	l := newLab(t)
	s := newServers(t)
	inv := localInventory()
	for _, max := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		for _, pair := range [][2]string{{"client", "client.key"}, {"rogue", "rogue.key"}} {
			addr := s.tlsServer(t, serverConfig(l.etcdTLS(), max, l.clientPool()))
			cfg := &tlsprobe.Config{Endpoint: addr, CAFile: l.files["ca1"], CertFile: l.files[pair[0]], KeyFile: l.files[pair[1]]}
			resp := runProbe(t, inv["master"], inv, cfg, 0)
			assertNoKeyMaterial(t, resp.Summary+"\n"+strings.Join(resp.Details, "\n")+"\n"+resp.Output.GoString(), l)
		}
	}
}

// assertNoKeyMaterial fails t when text holds a PEM key marker or any
// line of the base64 body of the lab's client keys.
func assertNoKeyMaterial(t *testing.T, text string, l *lab) {
	t.Helper()
	if strings.Contains(text, "PRIVATE KEY-----") {
		t.Errorf("key PEM in %q", text)
	}
	for _, c := range []certstest.Cert{l.client, l.rogueClient} {
		blk, _ := pem.Decode(c.KeyPEM(t))
		body := string(pem.EncodeToMemory(blk))
		for _, line := range strings.Split(body, "\n")[1:3] {
			if strings.Contains(text, line) {
				t.Errorf("key material %q in %q", line, text)
			}
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
