package etcdtest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// FillUntilNoSpace writes 64 KiB values under /fill/ until etcd refuses a
// write with "database space exceeded" (start the cluster with a small
// --quota-backend-bytes), then waits until every running member's Status
// lists the NOSPACE alarm. It fails t after 2000 writes.
func FillUntilNoSpace(t testing.TB, c *Cluster) {
	t.Helper()
	cli := c.Client(t)
	val := strings.Repeat("x", 64<<10)
	for i := 0; ; i++ {
		if i == 2000 {
			t.Fatal("etcdtest: no NOSPACE after 2000 writes of 64 KiB")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := cli.Put(ctx, fmt.Sprintf("/fill/%05d", i), val)
		cancel()
		if err != nil {
			if strings.Contains(err.Error(), "database space exceeded") {
				break
			}
			t.Fatalf("etcdtest: fill: %v", err)
		}
	}
	for _, m := range c.Members {
		if m.Running() {
			waitAlarm(t, c.Client(t, m.ClientURL()), m.ClientURL())
		}
	}
}

func waitAlarm(t testing.TB, cli *clientv3.Client, ep string) {
	t.Helper()
	for range 50 {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		st, err := cli.Status(ctx, ep)
		cancel()
		if err == nil && strings.Contains(strings.Join(st.Errors, " "), "NOSPACE") {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("etcdtest: %s does not report the NOSPACE alarm", ep)
}
