package etcdtest_test

import (
	"context"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/etcdtest"
)

// TestStartThreeMembers starts a real 3-member cluster and writes through
// one member and reads through another.
func TestStartThreeMembers(t *testing.T) {
	c := etcdtest.Start(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.Client(t, c.Members[0].ClientURL()).Put(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	resp, err := c.Client(t, c.Members[2].ClientURL()).Get(ctx, "k")
	if err != nil || len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "v" {
		t.Fatalf("get k: %v %v", resp, err)
	}
	if l := c.Leader(t); l == nil {
		t.Fatal("no leader")
	}
}
