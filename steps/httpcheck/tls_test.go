package httpcheck_test

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mend-sh/mend/internal/certs/certstest"
	"github.com/mend-sh/mend/steps/httpcheck"
	"github.com/mend-sh/mend/transport/local"
)

// tlsServer starts an https server on 127.0.0.1 with a certificate from
// ca, valid for 127.0.0.1 and "etcd.example" for validity from notBefore.
func tlsServer(t *testing.T, ca *certstest.CA, notBefore time.Time, validity time.Duration, clientAuth tls.ClientAuthType) *httptest.Server {
	t.Helper()
	cert := ca.Issue(t, certstest.Options{CommonName: "etcd", DNSNames: []string{"etcd.example"}, IPs: []string{"127.0.0.1"}, NotBefore: notBefore, Validity: validity})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, `{"health":"true"}`) }))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert.TLS()}, ClientAuth: clientAuth}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func TestTLSVerdicts(t *testing.T) {
	dir := t.TempDir()
	etcdCA := certstest.NewCA(t, "Puppet CA: lab")
	impostor := certstest.NewCA(t, "Puppet CA: lab") // same name, another key: the incident
	etcdCAFile := certstest.WriteFile(t, dir, "etcd-ca.pem", etcdCA.PEM())
	impostorFile := certstest.WriteFile(t, dir, "puppet-ca.pem", impostor.PEM())
	good := tlsServer(t, etcdCA, time.Time{}, 0, tls.NoClientCert)
	expired := tlsServer(t, etcdCA, time.Now().Add(-48*time.Hour), 24*time.Hour, tls.NoClientCert)
	mtls := tlsServer(t, etcdCA, time.Time{}, 0, tls.RequireAndVerifyClientCert)
	port := func(s *httptest.Server) string { return s.Listener.Addr().String()[len("127.0.0.1:"):] }

	tests := []struct {
		name   string
		url    string
		caFile string
		want   observed
	}{
		{"right CA", good.URL + "/health", etcdCAFile, observed{200, true, "ok", false}},
		{"same-named CA with another key", good.URL + "/health", impostorFile, observed{0, false, "unknown_authority", true}},
		{"system roots", good.URL + "/health", "", observed{0, false, "unknown_authority", true}},
		{"expired", expired.URL + "/health", etcdCAFile, observed{0, false, "expired", true}},
		{"name mismatch", "https://localhost:" + port(good) + "/health", etcdCAFile, observed{0, false, "name_mismatch", true}},
		{"client cert required", mtls.URL + "/health", etcdCAFile, observed{0, false, "client_cert_rejected", true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := check(t, local.Host{}, &httpcheck.Config{URL: tt.url, CAFile: tt.caFile}, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, observe(out)); diff != "" {
				t.Errorf("(-want +got):\n%s\nerror: %s", diff, out.GetAttr("error").AsString())
			}
		})
	}
}

func TestCAFileProblems(t *testing.T) {
	dir := t.TempDir()
	notPEM := certstest.WriteFile(t, dir, "junk.pem", []byte("not a certificate\n"))
	for _, tt := range []struct{ caFile, want string }{
		{dir + "/missing.pem", "http_check: ca_file " + dir + "/missing.pem does not exist on local"},
		{notPEM, "http_check: ca_file " + notPEM + " holds no PEM certificate"},
	} {
		_, err := check(t, local.Host{}, &httpcheck.Config{URL: "https://127.0.0.1:1/", CAFile: tt.caFile}, 0)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ca_file %s: error %v, want %q", tt.caFile, err, tt.want)
		}
	}
}
