package etcdmaintain_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/etcdtest"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/etcdmaintain"
)

// TestNoSpace fills a real 3-member cluster (2 MiB quota) by overwriting
// a few keys until etcd raises NOSPACE, then runs etcd_maintain through a
// real sshd: the plan orders the defrags followers first, leader last,
// and changes nothing; apply compacts, defragments in that order,
// disarms, and leaves a cluster without alarms that accepts writes, with
// smaller databases.
func TestNoSpace(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	c := etcdtest.Start(t, 3, etcdtest.WithArgs("--quota-backend-bytes=2097152"))
	fill(t, c)
	cfg := &etcdmaintain.Config{Args: c.Args()}
	if err := (etcdmaintain.Maintain{}).ValidateConfig(cfg); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	leader := c.Leader(t).Name
	p, err := etcdmaintain.Maintain{}.Plan(ctx, steps.PlanRequest{Config: cfg, Host: h})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("plan: %s\n  %s", p.Preview.Summary, strings.Join(p.Preview.Changes, "\n  "))
	plan := strings.Join(p.Preview.Changes, "\n")
	if !strings.Contains(plan, "3) "+leader+" (leader") || !strings.Contains(plan, "disarm: alarms NOSPACE") {
		t.Errorf("plan does not defragment the leader %s last or does not disarm", leader)
	}
	if _, err := c.Client(t).Put(ctx, "/after-plan", "x"); err == nil || !strings.Contains(err.Error(), "database space exceeded") {
		t.Fatalf("the plan changed the cluster: a write now gives %v", err)
	}
	a, err := etcdmaintain.Maintain{}.Apply(ctx, steps.ApplyRequest{Config: cfg, Host: h})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("apply: %s\n  %s", a.Summary, strings.Join(a.Details, "\n  "))
	order := a.Output.GetAttr("defrag_order").AsValueSlice()
	if len(order) != 3 || order[2].AsString() != leader {
		t.Errorf("defrag order %v, want the leader %s last", order, leader)
	}
	for _, m := range a.Output.GetAttr("members").AsValueSlice() {
		before, _ := m.GetAttr("db_size_before").AsBigFloat().Int64()
		after, _ := m.GetAttr("db_size_after").AsBigFloat().Int64()
		if after >= before {
			t.Errorf("%s: db %d -> %d, want smaller", m.GetAttr("name").AsString(), before, after)
		}
	}
	al, err := c.Client(t).AlarmList(ctx)
	if err != nil || len(al.Alarms) != 0 {
		t.Errorf("alarms after apply: %v %v", al, err)
	}
	if _, err := c.Client(t).Put(ctx, "/after-apply", "x"); err != nil {
		t.Errorf("a write after apply: %v", err)
	}
}

// fill overwrites ten keys with 64 KiB values until etcd refuses a write
// for space: the space is history, which compaction frees.
func fill(t *testing.T, c *etcdtest.Cluster) {
	t.Helper()
	cli := c.Client(t)
	val := strings.Repeat("x", 64<<10)
	for i := 0; ; i++ {
		if i == 2000 {
			t.Fatal("no NOSPACE after 2000 writes")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := cli.Put(ctx, fmt.Sprintf("/fill/%d", i%10), val)
		cancel()
		if err != nil {
			if strings.Contains(err.Error(), "database space exceeded") {
				break
			}
			t.Fatal(err)
		}
	}
	time.Sleep(time.Second) // the alarm reaches every member through raft
}
