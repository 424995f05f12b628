package lab_test

import (
	"github.com/mend-sh/mend/internal/labtest"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const (
	apiserverCA = "/var/lib/kubernetes/ssl/certs/ca.pem"
	puppetCA    = "/var/lib/puppet/client/ssl/certs/ca.pem"
	etcdCA      = "/etc/etcd/ssl/ca.pem"
	puppetRun   = "/etc/lab/bin/lab-puppet-run"
)

// TestLab starts a second lab beside any developer's (MEND_LAB_NET
// 127.0.1 unless MEND_LAB_TEST_NET says otherwise), walks the incident
// through it with plain ssh and HTTP, and tears it down. The subtests run
// in order: each starts from the state the previous one left.
func TestLab(t *testing.T) {
	net := "127.0.1"
	if n := os.Getenv("MEND_LAB_TEST_NET"); n != "" {
		net = n
	}
	start := time.Now()
	lab := &testLab{labtest.Start(t, net, false)}
	t.Logf("lab.sh up took %s; lab in %s on %s.x (if this test is killed: MEND_LAB_DIR=%s %s down)",
		time.Since(start).Round(time.Millisecond), lab.Dir, lab.Net, lab.Dir, lab.Script)

	steps := []struct {
		name string
		run  func(*testing.T, *testLab)
	}{
		{"second up is a no-op", testUpIdempotent},
		{"hosts have their own views", testHostViews},
		{"broken state fails readiness with unknown authority", testBrokenReadiness},
		{"the CAs share a name and differ", testCAsDiffer},
		{"puppet reverts a hand fix", testPuppetRevertsHandFix},
		{"disabled agent refuses to run", testPuppetDisabled},
		{"durable fix makes readyz 200", testDurableFix},
		{"down leaves no lab process", testDown},
	}
	for _, s := range steps {
		if !t.Run(s.name, func(t *testing.T) { s.run(t, lab) }) {
			t.FailNow() // later steps depend on this one
		}
	}
}

func testUpIdempotent(t *testing.T, lab *testLab) {
	before, _ := filepath.Glob(filepath.Join(lab.Dir, "hosts", "*", "unshare.pid"))
	pids := func() string {
		var s []string
		for _, f := range before {
			b, _ := os.ReadFile(f)
			s = append(s, strings.TrimSpace(string(b)))
		}
		return strings.Join(s, " ")
	}
	was := pids()
	out, err := lab.Run(time.Minute, "up")
	if err != nil || !strings.Contains(out, "nothing to do") {
		t.Fatalf("second lab.sh up: err=%v, want 'nothing to do' in:\n%s", err, out)
	}
	if diff := cmp.Diff(was, pids()); diff != "" {
		t.Errorf("second up restarted hosts (-before +after):\n%s", diff)
	}
}

func testHostViews(t *testing.T, lab *testLab) {
	got := map[string]string{}
	want := map[string]string{}
	for i, h := range []string{"k8s-master", "etcd-01", "etcd-02", "etcd-03"} {
		out, _ := lab.ssh(t, h, "hostname; cat /etc/lab/id", nil)
		got[h] = out
		addr := lab.Net + ".11"
		if i > 0 {
			addr = lab.Net + ".2" + h[len(h)-1:]
		}
		want[h] = h + "\n" + h + " " + addr + "\n"
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hostname and /etc/lab/id per host (-want +got):\n%s", diff)
	}
	if _, err := os.Stat("/etc/lab/id"); err == nil {
		t.Errorf("/etc/lab/id exists in the shared root: a host's view leaked")
	}
}

func testBrokenReadiness(t *testing.T, lab *testLab) {
	code, body := lab.readyz(t)
	if code != 500 || !strings.Contains(body, "[-]etcd failed:") || !strings.Contains(body, "x509: certificate signed by unknown authority") {
		t.Errorf("broken lab /readyz?verbose = %d %q, want 500 with an unknown-authority etcd failure", code, body)
	}
	log, _ := lab.ssh(t, "k8s-master", "cat /var/log/kube-apiserver/current", nil)
	if want := `FLAG: --etcd-cafile="` + apiserverCA + `"`; !strings.Contains(log, want) {
		t.Errorf("apiserver log lacks %s", want)
	}
}

func testCAsDiffer(t *testing.T, lab *testLab) {
	apiOut, _ := lab.ssh(t, "k8s-master", "cat "+apiserverCA, nil)
	etcdOut, _ := lab.ssh(t, "etcd-01", "cat "+etcdCA, nil)
	api, etcd := parseCert(t, apiserverCA, apiOut), parseCert(t, etcdCA, etcdOut)
	if api.Subject != etcd.Subject || api.Subject != "CN=Puppet CA: lab-puppetmaster" {
		t.Errorf("subjects: apiserver CA %q, etcd CA %q; want both %q", api.Subject, etcd.Subject, "CN=Puppet CA: lab-puppetmaster")
	}
	if api.SHA256 == etcd.SHA256 {
		t.Errorf("apiserver CA and etcd CA have the same fingerprint %s; the lab is not broken", api.SHA256)
	}
}

func testPuppetRevertsHandFix(t *testing.T, lab *testLab) {
	etcdPEM, _ := lab.ssh(t, "etcd-01", "cat "+etcdCA, nil)
	if out, rc := lab.ssh(t, "k8s-master", "cat > "+apiserverCA, []byte(etcdPEM)); rc != 0 {
		t.Fatalf("hand fix: exit %d: %s", rc, out)
	}
	if out, rc := lab.ssh(t, "k8s-master", puppetRun, nil); rc != 2 || !strings.Contains(out, "content changed") {
		t.Fatalf("puppet after the hand fix: exit %d, want 2 with 'content changed':\n%s", rc, out)
	}
	after, _ := lab.ssh(t, "k8s-master", "cat "+apiserverCA, nil)
	source, _ := lab.ssh(t, "k8s-master", "cat "+puppetCA, nil)
	if after != source || after == etcdPEM {
		t.Errorf("after puppet, %s is not the puppet client CA again: the hand fix survived", apiserverCA)
	}
}

func testPuppetDisabled(t *testing.T, lab *testLab) {
	if out, rc := lab.ssh(t, "k8s-master", `puppet agent --disable "mend lab test"`, nil); rc != 0 {
		t.Fatalf("puppet agent --disable: exit %d: %s", rc, out)
	}
	out, rc := lab.ssh(t, "k8s-master", puppetRun, nil)
	want := "Notice: Skipping run of Puppet configuration client; administratively disabled (Reason: 'mend lab test');"
	if rc != 1 || !strings.Contains(out, want) {
		t.Errorf("%s while disabled: exit %d %q, want 1 and %q", puppetRun, rc, out, want)
	}
	if out, rc := lab.ssh(t, "k8s-master", "puppet agent --enable && test ! -e /var/lib/puppet/state/agent_disabled.lock", nil); rc != 0 {
		t.Fatalf("puppet agent --enable: exit %d: %s", rc, out)
	}
}

func testDurableFix(t *testing.T, lab *testLab) {
	etcdPEM, _ := lab.ssh(t, "etcd-01", "cat "+etcdCA, nil)
	if out, rc := lab.ssh(t, "k8s-master", "cat > "+puppetCA, []byte(etcdPEM)); rc != 0 {
		t.Fatalf("install at the puppet source: exit %d: %s", rc, out)
	}
	if out, rc := lab.ssh(t, "k8s-master", puppetRun, nil); rc != 2 {
		t.Fatalf("puppet: exit %d, want 2 (changed):\n%s", rc, out)
	}
	time.Sleep(2500 * time.Millisecond) // > one check interval: the old CA is still loaded
	if code, body := lab.readyz(t); code != 500 {
		t.Errorf("before the restart readyz = %d %q, want 500: the apiserver must read its CA at start only", code, body)
	}
	if out, rc := lab.ssh(t, "k8s-master", "sv -w 15 restart kube-apiserver", nil); rc != 0 {
		t.Fatalf("sv restart kube-apiserver: exit %d: %s", rc, out)
	}
	lab.waitReadyz(t, 200, "[+]etcd ok", 20*time.Second)
	out, _ := lab.ssh(t, "k8s-master", puppetRun+" --noop; grep out_of_sync /var/lib/puppet/public/last_run_summary.yaml", nil)
	if !strings.Contains(out, "out_of_sync: 0") {
		t.Errorf("puppet --noop after the durable fix reports drift:\n%s", out)
	}
}

func testDown(t *testing.T, lab *testLab) {
	ns := pidNamespaces(t, lab.Dir)
	for _, args := range [][]string{{"down"}, {"down"}} { // the second down is a no-op
		if out, err := lab.Run(time.Minute, args...); err != nil {
			t.Fatalf("lab.sh down: %v\n%s", err, out)
		}
	}
	if left := namespaceMembers(ns); len(left) > 0 {
		t.Errorf("processes left in the lab's pid namespaces: %v", left)
	}
	if left := labProcesses(lab.Dir); len(left) > 0 {
		t.Errorf("processes naming %s left: %v", lab.Dir, left)
	}
	for _, addr := range []string{lab.Net + ".11:22", lab.Net + ".21:2379", lab.Net + ".11:6443"} {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections after down", addr)
		}
	}
	if _, err := os.Stat(lab.Dir); !os.IsNotExist(err) {
		t.Errorf("%s still exists after down (err=%v)", lab.Dir, err)
	}
}
