package etcd_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// TestNoSpaceInLab runs etcd-nospace.mend.hcl against the lab's etcd 3.4
// cluster restarted with a 2 MiB --quota-backend-bytes and filled (by
// overwriting a few keys) until etcd raises NOSPACE: after apply the
// alarm is gone, writes are accepted and every member's db is smaller;
// the audit log shows the defrags one at a time, followers (by name)
// before the leader.
func TestNoSpaceInLab(t *testing.T) {
	lab := startLab(t)
	for _, h := range etcdHosts {
		run := lab.HostPath(h, "etc-lab", "service", "etcd", "run")
		b, err := os.ReadFile(run)
		if err != nil {
			t.Fatal(err)
		}
		s := strings.Replace(string(b), "--data-dir /var/lib/etcd/default", "--data-dir /var/lib/etcd/default --quota-backend-bytes 2097152", 1)
		if err := os.WriteFile(run, []byte(s), 0o755); err != nil {
			t.Fatal(err)
		}
		lab.ssh(t, h, "sv -w 60 restart etcd")
	}
	cli := labClient(t, lab)
	val := strings.Repeat("x", 64<<10)
	for i := 0; ; i++ {
		if i == 2000 {
			t.Fatal("no NOSPACE after 2000 writes")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, err := cli.Put(ctx, fmt.Sprintf("/fill/%d", i%10), val)
		cancel()
		if err != nil {
			if strings.Contains(err.Error(), "database space exceeded") {
				break
			}
			t.Fatal(err)
		}
	}
	before := dbSizes(t, lab)
	leader := leaderName(t, lab)
	t.Logf("NOSPACE raised; db sizes %v; leader %s", before, leader)

	vars := []string{"-var", "backup_dir=/var/lib/etcd"}
	stdout, stderr, code := lab.mend(t, append(append([]string{"plan"}, vars...), "etcd-nospace.mend.hcl")...)
	t.Logf("mend plan (exit %d):\n%s\n%s", code, stdout, stderr)
	if code != 0 || !strings.Contains(stdout, "3) "+leader+" (leader") {
		t.Fatalf("plan: exit %d, or the leader %s is not defragmented last", code, leader)
	}
	stdout, stderr, code = lab.mend(t, append(append([]string{"apply", "--approve", "repair.etcd_maintain.space"}, vars...), "etcd-nospace.mend.hcl")...)
	t.Logf("mend apply (exit %d):\n%s\n%s", code, stdout, stderr)
	if code != 0 {
		lab.diagnose(t)
		t.Fatalf("apply exit %d", code)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if al, err := cli.AlarmList(ctx); err != nil || len(al.Alarms) != 0 {
		t.Errorf("alarms after apply: %v %v", al, err)
	}
	if _, err := cli.Put(ctx, "/after", "writable"); err != nil {
		t.Errorf("a write after apply: %v", err)
	}
	after := dbSizes(t, lab)
	for ep, b := range before {
		if after[ep] >= b {
			t.Errorf("%s: db %d -> %d, want smaller", ep, b, after[ep])
		}
	}
	// The order, from the audit log: the etcd_maintain record's summary.
	var followers []string
	for _, h := range etcdHosts {
		if h != leader {
			followers = append(followers, h)
		}
	}
	want := regexp.MustCompile(`defragmented in order: ` + followers[0] + ` \(follower, [^)]*\), ` + followers[1] + ` \(follower, [^)]*\), ` + leader + ` \(leader, `)
	if s := auditSummary(t, lab.audit, "repair.etcd_maintain.space"); !want.MatchString(s) {
		t.Errorf("audit summary %q does not show %s, %s, then the leader %s", s, followers[0], followers[1], leader)
	}
	if out, _, code := lab.mend(t, "audit", "verify", lab.audit); code != 0 {
		t.Errorf("audit verify: exit %d\n%s", code, out)
	}
	snaps, _ := filepath.Glob(lab.HostPath("etcd-01", "var-lib-etcd", "etcd-before-compaction-*.db"))
	if len(snaps) != 1 {
		t.Errorf("snapshots before compaction: %v", snaps)
	}
}

func labClient(t *testing.T, lab *labRun) *clientv3.Client {
	t.Helper()
	pair, err := tls.LoadX509KeyPair(filepath.Join(lab.Dir, "pki", "etcdctl.pem"), filepath.Join(lab.Dir, "pki", "etcdctl.key"))
	if err != nil {
		t.Fatal(err)
	}
	ca, err := os.ReadFile(filepath.Join(lab.Dir, "pki", "etcd-ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	cli, err := clientv3.New(clientv3.Config{Endpoints: strings.Split(lab.endpoints(), ","), DialTimeout: 10 * time.Second, Logger: zap.NewNop(),
		TLS: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}

// dbSizes are the members' db sizes, by endpoint.
func dbSizes(t *testing.T, lab *labRun) map[string]int64 {
	t.Helper()
	cli := labClient(t, lab)
	out := map[string]int64{}
	for _, ep := range strings.Split(lab.endpoints(), ",") {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		st, err := cli.Status(ctx, ep)
		cancel()
		if err != nil {
			t.Fatalf("status %s: %v", ep, err)
		}
		out[ep] = st.DbSize
	}
	return out
}

// leaderName is the lab host whose member leads.
func leaderName(t *testing.T, lab *labRun) string {
	t.Helper()
	cli := labClient(t, lab)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	ml, err := cli.MemberList(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st, err := cli.Status(ctx, strings.Split(lab.endpoints(), ",")[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ml.Members {
		if m.ID == st.Leader {
			return m.Name
		}
	}
	t.Fatalf("no leader")
	return ""
}

// auditSummary is the summary of step's step_finish record in the log.
func auditSummary(t *testing.T, path, step string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	summary := ""
	for sc.Scan() {
		var r struct {
			Event  string            `json:"event"`
			Step   string            `json:"step"`
			Detail map[string]string `json:"detail"`
		}
		if json.Unmarshal(sc.Bytes(), &r) == nil && r.Event == "step_finish" && r.Step == step {
			summary = r.Detail["summary"]
		}
	}
	return summary
}
