package etcd_test

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestMemberReplaceInLab runs etcd-member-replace.mend.hcl against the
// lab's 3-member etcd 3.4 cluster after etcd-03 "died" (stopped, data dir
// wrecked): the old member is removed, its data dir kept aside, the
// replacement joins as a learner with state "existing" and is promoted;
// afterwards 3 voters are healthy, the new member has a new id and
// serves the keys written before.
func TestMemberReplaceInLab(t *testing.T) {
	lab := startLab(t)
	eps := lab.endpoints()
	lab.ssh(t, "etcd-01", `for i in $(seq -w 1 20); do `+etcdctl(eps, "put /replace/key$i v$i")+` >/dev/null || exit 1; done`)
	cli := labClient(t, lab)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	ml, err := cli.MemberList(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var oldID uint64
	for _, m := range ml.Members {
		if m.Name == "etcd-03" {
			oldID = m.ID
		}
	}
	lab.ssh(t, "etcd-03", `sv -w 30 stop etcd && head -c 65536 /dev/urandom > /var/lib/etcd/default/member/snap/db && sv up etcd`)

	vars := []string{"-var", "dead_member=etcd-03", "-var", "replace_id=r1", "-var", "etcd_env_file=/etc/etcd/etcd.env",
		"-var", "etcd_stop_command=/etc/lab/bin/sv-stop etcd", "-var", "etcd_start_command=sv -w 60 start etcd"}
	stdout, stderr, code := lab.mend(t, append(append([]string{"plan"}, vars...), "etcd-member-replace.mend.hcl")...)
	t.Logf("mend plan (exit %d):\n%s\n%s", code, stdout, stderr)
	if code != 0 || !strings.Contains(stdout, "remove \"etcd-03\": voters 3 -> 2, quorum 2 -> 2") {
		t.Fatalf("plan: exit %d or no removal with its arithmetic", code)
	}
	stdout, stderr, code = lab.mend(t, append(append([]string{"apply", "--approve", "repair.etcd_member.remove_old",
		"--approve", "repair.etcd_member.add_new", "--approve", "repair.etcd_member.promote_new"}, vars...), "etcd-member-replace.mend.hcl")...)
	t.Logf("mend apply (exit %d):\n%s\n%s", code, stdout, stderr)
	if code != 0 {
		lab.diagnose(t)
		t.Fatalf("apply exit %d", code)
	}
	ml, err = cli.MemberList(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range ml.Members {
		names = append(names, m.Name)
		if m.IsLearner {
			t.Errorf("%s is still a learner", m.Name)
		}
		if m.Name == "etcd-03" && m.ID == oldID {
			t.Errorf("etcd-03 kept its old id %x", m.ID)
		}
	}
	if len(ml.Members) != 3 {
		t.Errorf("members %v", names)
	}
	keys := lab.ssh(t, "etcd-03", etcdctl("https://"+lab.Net+".23:2379", "get /replace/ --prefix --keys-only --consistency=s"))
	if n := strings.Count(keys, "/replace/key"); n != 20 {
		t.Errorf("the replacement serves %d of 20 keys:\n%s", n, keys)
	}
	lab.ssh(t, "etcd-03", "test -d /var/lib/etcd/default.replaced-r1/member")
	if out, _, code := lab.mend(t, "audit", "verify", lab.audit); code != 0 {
		t.Errorf("audit verify: exit %d\n%s", code, out)
	}
}
