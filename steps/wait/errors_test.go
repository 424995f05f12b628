package wait_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mend-sh/mend/internal/certs/certstest"
	"github.com/mend-sh/mend/steps"
)

func TestFailFast(t *testing.T) {
	dir := t.TempDir()
	ca, other := certstest.NewCA(t, "etcd CA"), certstest.NewCA(t, "etcd CA")
	cert := ca.Issue(t, certstest.Options{IPs: []string{"127.0.0.1"}})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert.TLS()}}
	srv.StartTLS()
	defer srv.Close()
	wrongCA := certstest.WriteFile(t, dir, "wrong-ca.pem", other.PEM())
	tests := []struct {
		name string
		src  string
		want result
	}{
		{"verdict", `
interval = "100ms"
fail_fast_on = ["unknown_authority"]
check "http_check" {
  url     = var.url
  ca_file = "` + wrongCA + `"
}
until = self.ok
`, result{Attempts: 1, Class: steps.ClassStep}},
		{"error class", `
interval = "100ms"
fail_fast_on = ["expectation"]
check "assert" {
  condition = var.no
  message   = "x"
}
`, result{Attempts: 1, Class: steps.ClassExpectation}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := run(t, tt.src, srv.URL, 5*time.Second)
			if diff := cmp.Diff(tt.want, summarize(resp, err)); diff != "" {
				t.Errorf("(-want +got):\n%s\nerr: %v", diff, err)
			}
			if err == nil || !strings.Contains(err.Error(), "which waiting will not fix") {
				t.Errorf("error %v", err)
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"nested wait", `check "wait_until" {}`, "wait_until: a check cannot be another wait_until"},
		{"unknown type", `check "http_chek" {}`, `wait_until: unknown diagnose type "http_chek" in check block`},
		{"bad interval", "interval = \"2\"\ncheck \"assert\" {}", `wait_until: interval = "2" is not a duration like "2s"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWait()
			err := w.ValidateConfig(decode(t, w, vars(nil), tt.src))
			if err == nil || err.Error() != tt.want || steps.Classify(err) != steps.ClassConfig {
				t.Errorf("error %v, want config error %q", err, tt.want)
			}
		})
	}
}

func TestRuntimeConfigErrors(t *testing.T) {
	srv, served := scripted(t, 200)
	tests := []struct{ name, src, want string }{
		{"until names a missing attribute", "check \"http_check\" {\n  url = var.url\n  via_ssh = var.no\n}\nuntil = self.healthy\n", "wait_until: until:"},
		{"check argument of the wrong type", "check \"http_check\" {\n  url = var.url\n  expect_status = \"ok\"\n}\n", `wait_until: check "http_check":`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := served()
			_, err := run(t, tt.src, srv.URL, 5*time.Second)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) || steps.Classify(err) != steps.ClassConfig {
				t.Errorf("error %v, want a config error starting %q", err, tt.want)
			}
			if n := served() - before; n > 1 {
				t.Errorf("%d requests made; a config error must not be retried", n)
			}
		})
	}
}
