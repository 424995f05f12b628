package etcdstatus_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/etcdtest"
	"github.com/mend-sh/mend/internal/sshtest"
)

// TestNoSpace fills a cluster with a small --quota-backend-bytes until
// etcd raises the NOSPACE alarm, and checks etcd_status says no_space (the
// cluster still has quorum: reads work, writes do not).
func TestNoSpace(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	c := etcdtest.Start(t, 3, etcdtest.WithArgs("--quota-backend-bytes=2097152"))
	etcdtest.FillUntilNoSpace(t, c)
	r := run(t, h, config(c))
	if r.class != "no_space" || !r.quorum {
		t.Fatalf("class %s quorum %v, want no_space with quorum", r.class, r.quorum)
	}
	alarms := r.out.GetAttr("alarms").AsValueSlice()
	if len(alarms) == 0 || !strings.HasPrefix(alarms[0].AsString(), "NOSPACE on m") {
		t.Errorf("alarms %v", alarms)
	}
	if num(r.out, "db_size") < 2_000_000 {
		t.Errorf("db_size %d, want about the 2 MiB quota", num(r.out, "db_size"))
	}
	for ep, class := range r.classes {
		if class != "no_space" {
			t.Errorf("%s: %s, want no_space", ep, class)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.Client(t).Get(ctx, "k"); err != nil {
		t.Errorf("reads should still work: %v", err)
	}
}
