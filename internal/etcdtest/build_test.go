package etcdtest_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/mend-sh/mend/internal/etcdtest"
)

// TestCurrentBin builds (or finds cached) etcd and etcdutl of
// CurrentVersion and checks both report that version.
func TestCurrentBin(t *testing.T) {
	tools := etcdtest.CurrentBin(t)
	want := strings.TrimPrefix(etcdtest.CurrentVersion, "v")
	for _, c := range [][]string{{tools.Etcd, "--version"}, {tools.Etcdutl, "version"}} {
		out, err := exec.Command(c[0], c[1:]...).CombinedOutput()
		if err != nil || !strings.Contains(string(out), want) {
			t.Fatalf("%v: %v\n%s", c, err, out)
		}
	}
}
