package httpcheck_test

import (
	"crypto/tls"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mend-sh/mend/internal/certs/certstest"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps/httpcheck"
)

// TestThroughRealSSHD makes the requests from a real sshd's point of view:
// the connection is a direct-tcpip channel opened by sshd, and the CA file
// is read over SSH.
func TestThroughRealSSHD(t *testing.T) {
	srv := sshtest.Start(t)
	h := srv.Host(t)
	ca := certstest.NewCA(t, "etcd CA")
	caFile := certstest.WriteFile(t, t.TempDir(), "ca.pem", ca.PEM())
	good := tlsServer(t, ca, time.Time{}, 0, tls.NoClientCert)
	tests := []struct {
		name string
		cfg  httpcheck.Config
		want observed
	}{
		{"https with ca_file read over ssh", httpcheck.Config{URL: good.URL + "/health", CAFile: caFile, BodyContains: `"health":"true"`}, observed{200, true, "ok", false}},
		{"refused at the far end", httpcheck.Config{URL: "http://" + closedPort(t) + "/"}, observed{0, false, "unreachable", true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := check(t, h, &tt.cfg, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, observe(out)); diff != "" {
				t.Errorf("(-want +got):\n%s\nerror: %s", diff, out.GetAttr("error").AsString())
			}
			if e := out.GetAttr("error").AsString(); e != "" && !strings.Contains(e, "ssh: rejected") {
				t.Errorf("error %q does not come from sshd refusing the forward", e)
			}
		})
	}
}
