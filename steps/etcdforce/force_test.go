package etcdforce_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/etcdtest"
	"github.com/mend-sh/mend/internal/shell"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/etcdforce"
)

// TestOutOfTheTrap puts a real 1-member cluster into the 1 -> 2 trap (a
// voting member added that never starts: writes time out), then runs
// etcd_force_new_cluster through a real sshd with commands that stop and
// start the member as a supervisor would: the plan refuses nothing and
// changes nothing; apply leaves a 1-member cluster that accepts writes,
// with every key and the revision of before. On a healthy cluster the
// step refuses.
func TestOutOfTheTrap(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	c := etcdtest.Start(t, 1)
	m1 := c.Members[0]
	cli := c.Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for i := range 30 {
		if _, err := cli.Put(ctx, fmt.Sprintf("/trap/%02d", i), "v"); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	run := filepath.Join(dir, "run.sh")
	var args []string
	for _, a := range m1.Args() {
		args = append(args, shell.Quote(a))
	}
	script := "#!/bin/sh\nexec " + shell.Quote(c.Bin) + " " + strings.Join(args, " ") + " \"$@\"\n"
	if err := os.WriteFile(run, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	log := shell.Quote(filepath.Join(dir, "etcd.log"))
	stop := fmt.Sprintf("p=$(cat %[1]s); kill $p; i=0; while kill -0 $p 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done; ! kill -0 $p 2>/dev/null", shell.Quote(pidFile))
	start := fmt.Sprintf("setsid %s >>%s 2>&1 </dev/null & echo $! > %s", shell.Quote(run), log, shell.Quote(pidFile))
	force := fmt.Sprintf("setsid %s --force-new-cluster >>%s 2>&1 </dev/null & echo $! > %s", shell.Quote(run), log, shell.Quote(pidFile))
	t.Cleanup(func() {
		if b, err := os.ReadFile(pidFile); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 1 {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	cfg := &etcdforce.Config{Endpoint: m1.ClientURL(), CAFile: c.PKI.CAFile, CertFile: c.PKI.ClientCert, KeyFile: c.PKI.ClientKey,
		CallTimeout: "3s", StopCommand: stop, ForceStartCommand: force, StartCommand: start}
	if err := (etcdforce.Force{}).ValidateConfig(cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := (etcdforce.Force{}).Plan(ctx, steps.PlanRequest{Config: cfg, Host: h}); err == nil || !strings.Contains(err.Error(), "the cluster has quorum") {
		t.Fatalf("plan on a healthy cluster: %v, want a refusal", err)
	}

	m2 := c.NewMember(t, "m2")
	if _, err := cli.MemberAdd(ctx, []string{m2.PeerURL}); err != nil {
		t.Fatalf("the trap: %v", err)
	}
	pctx, pcancel := context.WithTimeout(ctx, 3*time.Second)
	_, err := cli.Put(pctx, "/trap/after", "v")
	pcancel()
	if err == nil {
		t.Fatal("the trap did not close: a write succeeded")
	}
	// Hand the member over to the commands: its pid is what stop kills.
	if err := os.WriteFile(pidFile, []byte(strconv.Itoa(m1.PID())), 0o644); err != nil {
		t.Fatal(err)
	}

	p, err := etcdforce.Force{}.Plan(ctx, steps.PlanRequest{Config: cfg, Host: h})
	if err != nil {
		t.Fatalf("plan in the trap: %v", err)
	}
	t.Logf("plan: %s\n  %s", p.Preview.Summary, strings.Join(p.Preview.Changes, "\n  "))
	if !m1.Running() {
		t.Fatal("the plan stopped the member")
	}
	a, err := etcdforce.Force{}.Apply(ctx, steps.ApplyRequest{Config: cfg, Host: h})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	t.Logf("apply: %s\n  %s", a.Summary, strings.Join(a.Details, "\n  "))
	after := c.Client(t, m1.ClientURL())
	ml, err := after.MemberList(ctx)
	if err != nil || len(ml.Members) != 1 {
		t.Fatalf("members after: %v %v", ml, err)
	}
	if _, err := after.Put(ctx, "/trap/after", "v"); err != nil {
		t.Errorf("a write after: %v", err)
	}
	got, err := after.Get(ctx, "/trap/", clientv3WithPrefix()...)
	if err != nil || got.Count != 31 {
		t.Errorf("keys after: %v %v, want 30 + 1", got, err)
	}
	if strings.Contains(a.Details[len(a.Details)-1], "keys 30 -> 30") == false {
		t.Errorf("the data check: %q", a.Details[len(a.Details)-1])
	}
}
