package etcdstatus_test

import (
	"strings"
	"testing"

	"github.com/mend-sh/mend/internal/etcdtest"
	"github.com/mend-sh/mend/internal/sshtest"
)

// TestClassificationCurrent runs etcd_status through a real sshd against
// a 3-member cluster of etcd CurrentVersion (built from the module proxy):
// healthy, reporting that server version and the quota 3.6 announces;
// then one member stopped (unreachable, quorum kept).
func TestClassificationCurrent(t *testing.T) {
	tools := etcdtest.CurrentBin(t)
	h := sshtest.Start(t).Host(t)
	c := etcdtest.Start(t, 3, etcdtest.WithBin(tools.Etcd))
	want := strings.TrimPrefix(etcdtest.CurrentVersion, "v")

	t.Run("healthy", func(t *testing.T) {
		r := run(t, h, config(c))
		if r.class != "healthy" || !r.quorum || num(r.out, "voters") != 3 {
			t.Fatalf("class %s quorum %v voters %d, want healthy with quorum and 3 voters", r.class, r.quorum, num(r.out, "voters"))
		}
		if got := r.out.GetAttr("version").AsString(); got != want || !strings.Contains(r.resp.Summary, "etcd "+want) {
			t.Errorf("version %q (summary %q), want %s", got, r.resp.Summary, want)
		}
		for _, e := range r.out.GetAttr("endpoints").AsValueSlice() {
			if got := e.GetAttr("version").AsString(); got != want {
				t.Errorf("%s: version %q, want %s", e.GetAttr("endpoint").AsString(), got, want)
			}
		}
		if num(r.out, "quota_bytes") <= 0 {
			t.Errorf("quota_bytes %d: etcd 3.6 reports its quota", num(r.out, "quota_bytes"))
		}
	})

	t.Run("one member stopped", func(t *testing.T) {
		m3 := c.Members[2]
		m3.Stop(t)
		r := run(t, h, config(c))
		if r.class != "unreachable" || !r.quorum {
			t.Fatalf("class %s quorum %v, want unreachable with quorum", r.class, r.quorum)
		}
		if got := r.classes[m3.ClientURL()]; got != "unreachable" {
			t.Errorf("m3: %s %q", got, r.errors[m3.ClientURL()])
		}
		if got := r.out.GetAttr("version").AsString(); got != want {
			t.Errorf("version %q, want %s", got, want)
		}
	})
}
