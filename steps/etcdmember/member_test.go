package etcdmember_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/etcdconn"
	"github.com/mend-sh/mend/internal/etcdtest"
	"github.com/mend-sh/mend/internal/sshtest"
	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/etcdmember"
)

func config(c *etcdtest.Cluster, action string) *etcdmember.Config {
	return &etcdmember.Config{
		Args:   withTimeouts(c.Args(), "5s", "10s"),
		Action: action,
	}
}

func plan(t *testing.T, h steps.Host, cfg *etcdmember.Config) (steps.PlanResponse, error) {
	t.Helper()
	if err := (etcdmember.Member{}).ValidateConfig(cfg); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	resp, err := etcdmember.Member{}.Plan(ctx, steps.PlanRequest{Config: cfg, Host: h})
	if err == nil {
		t.Logf("plan %s: %s\n  %s", cfg.Action, resp.Preview.Summary, strings.Join(resp.Preview.Changes, "\n  "))
	} else {
		t.Logf("plan %s refused: %v", cfg.Action, err)
	}
	return resp, err
}

func apply(t *testing.T, h steps.MutableHost, cfg *etcdmember.Config) steps.ApplyResponse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	resp, err := etcdmember.Member{}.Apply(ctx, steps.ApplyRequest{Config: cfg, Host: h})
	if err != nil {
		t.Fatalf("apply %s: %v", cfg.Action, err)
	}
	t.Logf("apply %s: %s\n  %s", cfg.Action, resp.Summary, strings.Join(resp.Details, "\n  "))
	return resp
}

// TestOneToTwo is the 1 -> 2 trap on a real 1-member etcd cluster through
// a real sshd: a voting add is refused at plan with the reason; the
// learner path (add as learner, start it, promote) works end to end and
// leaves 2 voters accepting writes; removing from that 2-member cluster is
// refused unless allow_unsafe overrides it.
func TestOneToTwo(t *testing.T) {
	h := sshtest.Start(t).Host(t)
	oneToTwo(t, h, etcdtest.Start(t, 1), "3.4.")
}

// TestOneToTwoCurrent is TestOneToTwo against etcd CurrentVersion (built
// from the module proxy).
func TestOneToTwoCurrent(t *testing.T) {
	tools := etcdtest.CurrentBin(t)
	h := sshtest.Start(t).Host(t)
	oneToTwo(t, h, etcdtest.Start(t, 1, etcdtest.WithBin(tools.Etcd)), strings.TrimPrefix(etcdtest.CurrentVersion, "v"))
}

// oneToTwo runs the 1 -> 2 checks on the 1-member cluster c; version is
// the server version (a prefix) the refusal and the results must name.
func oneToTwo(t *testing.T, h steps.MutableHost, c *etcdtest.Cluster, version string) {
	m2 := c.NewMember(t, "m2")

	voter := config(c, "add_voter")
	voter.Name, voter.PeerURLs = "m2", []string{m2.PeerURL}
	if _, err := plan(t, h, voter); err == nil || !strings.Contains(err.Error(), "a voting add to a 1-member cluster makes the quorum 2") ||
		!strings.Contains(err.Error(), "(etcd "+version) {
		t.Fatalf("voting add to a 1-member cluster: %v, want a refusal that says why", err)
	} else if steps.Classify(err) != steps.ClassStep {
		t.Errorf("refusal class %s", steps.Classify(err))
	}
	if members(t, c) != "m1:voter" {
		t.Fatalf("the refused plan changed membership: %s", members(t, c))
	}

	learner := config(c, "add_learner")
	learner.Name, learner.PeerURLs = "m2", []string{m2.PeerURL}
	p, err := plan(t, h, learner)
	if err != nil || p.Action != steps.Change {
		t.Fatalf("plan add_learner: %v %v", p.Action, err)
	}
	if members(t, c) != "m1:voter" {
		t.Fatalf("plan changed membership: %s", members(t, c))
	}
	out := apply(t, h, learner).Output
	if got := out.GetAttr("version").AsString(); !strings.HasPrefix(got, version) {
		t.Errorf("server version %q, want %s...", got, version)
	}
	m2.InitialCluster, m2.State = out.GetAttr("initial_cluster").AsString(), "existing"
	if want := "m1=" + c.Members[0].PeerURL + ",m2=" + m2.PeerURL; m2.InitialCluster != want && m2.InitialCluster != "m2="+m2.PeerURL+",m1="+c.Members[0].PeerURL {
		t.Errorf("initial_cluster %q, want %q", m2.InitialCluster, want)
	}
	put(t, c, "after-learner-add") // a learner does not change quorum
	m2.Start(t)
	c.Members = append(c.Members, m2)

	promote := config(c, "promote")
	promote.Member = "m2"
	apply(t, h, promote)
	if got := members(t, c); got != "m1:voter m2:voter" {
		t.Fatalf("members %s", got)
	}
	put(t, c, "after-promote")

	remove := config(c, "remove")
	remove.Member = "m2"
	if _, err := plan(t, h, remove); err == nil || !strings.Contains(err.Error(), "unsafe to remove a member from a 2-member cluster") {
		t.Fatalf("remove from 2: %v", err)
	}
	remove.AllowUnsafe = true
	p, err = plan(t, h, remove)
	if err != nil || p.Action != steps.Change || !strings.Contains(strings.Join(p.Preview.Changes, "\n"), "OVERRIDDEN by allow_unsafe") {
		t.Fatalf("allow_unsafe remove: %v %+v", err, p.Preview)
	}
}

func members(t *testing.T, c *etcdtest.Cluster) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := c.Client(t, c.Members[0].ClientURL()).MemberList(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, m := range resp.Members {
		role := "voter"
		if m.IsLearner {
			role = "learner"
		}
		parts = append(parts, m.Name+":"+role)
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}

func put(t *testing.T, c *etcdtest.Cluster, key string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.Client(t, c.Members[0].ClientURL()).Put(ctx, key, "v"); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

func withTimeouts(a etcdconn.Args, dial, call string) etcdconn.Args {
	a.DialTimeout, a.CallTimeout = dial, call
	return a
}
