package ssh_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
)

// TestKnownHostsUnknownMarker (issue 7.8): a known_hosts line with a
// mistyped marker (@revoke for @revoked) must not be skipped, or the
// revocation it meant does nothing: mend refuses to connect, naming the
// file, the line and the markers OpenSSH knows.
func TestKnownHostsUnknownMarker(t *testing.T) {
	s := sshtest.Start(t)
	good := sshtest.KnownHostsLine(s.Hostname, s.Port, s.HostKey)
	data := "# lab\n" + good + "\n@revoke " + good + "\n"
	if err := os.WriteFile(s.KnownHostsFile, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := newPool(t, s.Config()).Host(testCtx(t, 10*time.Second), s.Target())
	if err == nil {
		t.Fatal("connected although known_hosts has a line with an unknown marker")
	}
	wantClass(t, err, steps.ClassConfig)
	for _, want := range []string{s.KnownHostsFile + ":3", `unknown marker "@revoke"`, "@revoked", "@cert-authority"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}
