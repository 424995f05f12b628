package etcd_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRestoreInLab is the disaster-recovery test of etcd-restore.mend.hcl
// against the lab's 3-member etcd 3.4 cluster: known keys are written, a
// snapshot is saved, one more key is written, then quorum is destroyed
// (etcd stopped on all members, every WAL and db overwritten with noise,
// etcd restarted into a crash loop). The plan of the runbook changes
// nothing on any host; apply with the approval brings back 3 healthy
// members with every key of the snapshot (and not the later one), the
// wrecked data dirs kept aside, and an audit log that verifies.
func TestRestoreInLab(t *testing.T) {
	lab := startLab(t)
	eps := lab.endpoints()
	lab.ssh(t, "etcd-01", `for i in $(seq -w 1 50); do `+etcdctl(eps, "put /dr/key$i value$i")+` >/dev/null || exit 1; done`)
	lab.ssh(t, "etcd-01", etcdctl("https://"+lab.Net+".21:2379", "snapshot save /var/lib/etcd/backup.db"))
	lab.ssh(t, "etcd-01", etcdctl(eps, "put /dr/after-snapshot lost"))

	for _, h := range etcdHosts {
		lab.ssh(t, h, `sv -w 30 stop etcd && for f in /var/lib/etcd/default/member/wal/*.wal /var/lib/etcd/default/member/snap/db; do head -c 65536 /dev/urandom > "$f"; done && sha256sum < /var/lib/etcd/default/member/snap/db > /tmp/`+lab.Net+`-`+h+`-wrecked && sv up etcd`)
	}
	if out, err := lab.Run(2*time.Minute, "ssh", "etcd-01", etcdctl(eps, "endpoint health")); err == nil {
		t.Fatalf("the wrecked cluster is healthy:\n%s", out)
	}

	vars := []string{"-var", "snapshot_host=etcd-01", "-var", "snapshot=/var/lib/etcd/backup.db", "-var", "restore_token=lab-restored-1",
		"-var", "etcd_stop_command=/etc/lab/bin/sv-stop etcd", "-var", "etcd_start_command=sv -w 60 start etcd", "-var", "backup_dir=/var/lib/etcd"}
	before := hostFiles(t, lab)
	stdout, stderr, code := lab.mend(t, append(append([]string{"plan"}, vars...), "etcd-restore.mend.hcl")...)
	t.Logf("mend plan (exit %d):\n%s\n%s", code, stdout, stderr)
	for _, want := range []string{
		"mv /var/lib/etcd/default -> /var/lib/etcd/default.pre-restore-lab-restored-1",
		"ETCDCTL_API=3 etcdctl snapshot restore /var/lib/etcd/default.snapshot-lab-restored-1.db --name etcd-02 --data-dir /var/lib/etcd/default --initial-cluster 'etcd-01=https://" + lab.Net + ".21:2380,etcd-02=https://" + lab.Net + ".22:2380,etcd-03=https://" + lab.Net + ".23:2380' --initial-cluster-token lab-restored-1 --initial-advertise-peer-urls https://" + lab.Net + ".22:2380",
		"etcd-03: /etc/lab/bin/sv-stop etcd",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("plan lacks %q", want)
		}
	}
	if code != 0 {
		t.Errorf("plan exit %d, want 0", code)
	}
	if after := hostFiles(t, lab); after != before {
		t.Fatalf("plan changed the hosts' etcd dirs:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	stdout, stderr, code = lab.mend(t, append(append([]string{"apply", "--approve", "repair.etcd_restore.from_snapshot"}, vars...), "etcd-restore.mend.hcl")...)
	t.Logf("mend apply (exit %d):\n%s\n%s", code, stdout, stderr)
	if code != 0 {
		lab.diagnose(t)
		t.Fatalf("apply exit %d", code)
	}
	health := lab.ssh(t, "etcd-02", etcdctl(eps, "endpoint health"))
	if strings.Count(health, "is healthy") != 3 {
		t.Errorf("after the restore:\n%s", health)
	}
	keys := lab.ssh(t, "etcd-03", etcdctl(eps, "get /dr/ --prefix --keys-only"))
	if n := strings.Count(keys, "/dr/key"); n != 50 || strings.Contains(keys, "after-snapshot") {
		t.Errorf("%d of 50 keys back (and after-snapshot: %v):\n%s", n, strings.Contains(keys, "after-snapshot"), keys)
	}
	lab.ssh(t, "etcd-01", etcdctl(eps, "put /dr/writable yes"))
	for _, h := range etcdHosts {
		kept := lab.ssh(t, h, `sha256sum < /var/lib/etcd/default.pre-restore-lab-restored-1/member/snap/db`)
		wrecked, err := os.ReadFile("/tmp/" + lab.Net + "-" + h + "-wrecked")
		if err != nil || strings.TrimSpace(kept) != strings.TrimSpace(string(wrecked)) {
			t.Errorf("%s: the old data dir was not kept aside as it was: %q vs %q (%v)", h, kept, wrecked, err)
		}
		os.Remove("/tmp/" + lab.Net + "-" + h + "-wrecked")
	}
	out, _, code := lab.mend(t, "audit", "verify", lab.audit)
	if code != 0 {
		t.Errorf("audit verify: exit %d\n%s", code, out)
	}
	show, _, _ := lab.mend(t, "audit", "show", lab.audit)
	t.Logf("audit show:\n%s", show)
	if !strings.Contains(show, "etcd_restore") {
		t.Errorf("the audit log has no etcd_restore record")
	}
}

// hostFiles lists the etcd hosts' /var/lib/etcd (names, sizes and
// digests), to prove a plan wrote nothing there.
func hostFiles(t *testing.T, lab *labRun) string {
	t.Helper()
	var b strings.Builder
	for _, h := range etcdHosts {
		root := lab.HostPath(h, "var-lib-etcd")
		filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
			if err != nil {
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			if fi.Mode().IsRegular() && !strings.Contains(rel, "member/wal") && !strings.Contains(rel, "member/snap") {
				b.WriteString(h + ":" + rel + "\n")
			} else if fi.IsDir() {
				b.WriteString(h + ":" + rel + "/\n")
			}
			return nil
		})
	}
	return b.String()
}
