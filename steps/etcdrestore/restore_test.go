package etcdrestore_test

import (
	"context"
	"fmt"
	"io"
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
	"github.com/mend-sh/mend/steps/etcdrestore"
	"github.com/zclconf/go-cty/cty"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// oneHost resolves every inventory name to the test's one sshd host.
type oneHost struct{ h steps.MutableHost }

func (o oneHost) Host(context.Context, string) (steps.Host, error) { return o.h, nil }

// TestRestoreCurrent restores a 3-member cluster of etcd CurrentVersion
// (built from the module proxy) from a snapshot, through a real sshd whose
// sessions have that release's etcdutl on PATH: tool "auto" picks etcdutl;
// the plan changes nothing; apply brings back every key written before
// the snapshot (not the one after), keeps the old data dirs aside, and
// reports the restored server's version.
func TestRestoreCurrent(t *testing.T) {
	tools := etcdtest.CurrentBin(t)
	srv := sshtest.Start(t, sshtest.WithConfig("PermitUserEnvironment yes"))
	pathWith(t, srv, tools.Dir)
	h := srv.Host(t)
	c := etcdtest.Start(t, 3, etcdtest.WithBin(tools.Etcd))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cli := c.Client(t)
	for i := range 20 {
		if _, err := cli.Put(ctx, fmt.Sprintf("/restore/%02d", i), "v"); err != nil {
			t.Fatal(err)
		}
	}
	snap := saveSnapshot(ctx, t, c)
	if _, err := cli.Put(ctx, "/after-snapshot", "v"); err != nil {
		t.Fatal(err)
	}
	stop, start := scripts(t, c)
	cfg := config(t, c, snap, stop, start)
	if err := (etcdrestore.Restore{}).ValidateConfig(cfg); err != nil {
		t.Fatal(err)
	}
	// The same host with etcd 3.6 on PATH but no etcdutl: tool "auto"
	// would fall back to Debian's etcdctl 3.4, whose restore 3.6 does not
	// come up on. The plan refuses, before anything moves.
	noUtl := t.TempDir()
	if err := os.Symlink(tools.Etcd, filepath.Join(noUtl, "etcd")); err != nil {
		t.Fatal(err)
	}
	srv34 := sshtest.Start(t, sshtest.WithConfig("PermitUserEnvironment yes"))
	pathWith(t, srv34, noUtl)
	_, err := etcdrestore.Restore{}.Plan(ctx, steps.PlanRequest{Config: cfg, Hosts: oneHost{srv34.Host(t)}})
	if err == nil || !strings.Contains(err.Error(), "would restore with etcdctl 3.4, but its etcd is 3.6") {
		t.Errorf("plan with etcdctl 3.4 for etcd 3.6: %v, want a refusal naming both versions", err)
	}

	p, err := etcdrestore.Restore{}.Plan(ctx, steps.PlanRequest{Config: cfg, Hosts: oneHost{h}})
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	plan := strings.Join(p.Preview.Changes, "\n")
	t.Logf("plan: %s\n  %s", p.Preview.Summary, strings.ReplaceAll(plan, "\n", "\n  "))
	if !strings.Contains(plan, "etcdutl snapshot restore") || strings.Contains(plan, "etcdctl") {
		t.Errorf("tool auto with etcdutl on PATH should restore with etcdutl:\n%s", plan)
	}
	for _, m := range c.Members {
		if !m.Running() || !exists(m.DataDir) || exists(m.DataDir+".pre-restore-"+cfg.Token) {
			t.Fatalf("the plan changed %s", m.Name)
		}
	}
	a, err := etcdrestore.Restore{}.Apply(ctx, steps.ApplyRequest{Config: cfg, Hosts: oneHost{h}})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	t.Logf("apply: %s\n  %s", a.Summary, strings.Join(a.Details, "\n  "))
	if !strings.Contains(a.Summary, "etcd "+strings.TrimPrefix(etcdtest.CurrentVersion, "v")) {
		t.Errorf("the summary does not name the server version: %s", a.Summary)
	}
	checkRestored(ctx, t, c, cfg.Token, a.Output)
}

// pathWith puts dir first on PATH in the server's sessions, through the
// authorized_keys environment option.
func pathWith(t *testing.T, srv *sshtest.Server, dir string) {
	t.Helper()
	file := filepath.Join(srv.Dir, "authorized_keys")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	opt := `environment="PATH=` + dir + `:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" `
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		out = append(out, opt+l)
	}
	if err := os.WriteFile(file, []byte(strings.Join(out, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// saveSnapshot saves a snapshot through the first member alone.
func saveSnapshot(ctx context.Context, t *testing.T, c *etcdtest.Cluster) string {
	t.Helper()
	resp, err := c.Client(t, c.Members[0].ClientURL()).SnapshotWithVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Snapshot.Close()
	data, err := io.ReadAll(resp.Snapshot)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(c.Dir, "backup.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// scripts writes the stop and start commands the members' "supervisor"
// answers to: pid files in the cluster dir (the running members' written
// now), stop kills every member, start starts each member not running,
// detached, with its usual arguments (etcd ignores the --initial-cluster
// flags once its data dir exists). Members started there are killed in
// t.Cleanup.
func scripts(t *testing.T, c *etcdtest.Cluster) (stop, start string) {
	t.Helper()
	var stopSh, startSh strings.Builder
	startSh.WriteString("set -e\n")
	for _, m := range c.Members {
		pid := filepath.Join(c.Dir, m.Name+".pid")
		if err := os.WriteFile(pid, []byte(strconv.Itoa(m.PID())+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		q := shell.Quote(pid)
		fmt.Fprintf(&stopSh, "kill $(cat %s) 2>/dev/null || true\n", q)
		args := make([]string, 0, len(m.Args()))
		for _, a := range m.Args() {
			args = append(args, shell.Quote(a))
		}
		fmt.Fprintf(&startSh, "if ! kill -0 $(cat %s) 2>/dev/null; then setsid %s %s >>%s 2>&1 </dev/null & echo $! >%s; fi\n",
			q, shell.Quote(c.Bin), strings.Join(args, " "), shell.Quote(m.LogFile), q)
		t.Cleanup(func() {
			if b, err := os.ReadFile(pid); err == nil {
				if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && n > 1 {
					syscall.Kill(n, syscall.SIGKILL)
				}
			}
		})
	}
	stop, start = filepath.Join(c.Dir, "stop.sh"), filepath.Join(c.Dir, "start.sh")
	for f, body := range map[string]string{stop: stopSh.String(), start: startSh.String()} {
		if err := os.WriteFile(f, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return "sh " + shell.Quote(stop), "sh " + shell.Quote(start)
}

// config names each member's host host-NAME (all resolve to the one
// sshd; the step wants one member per host).
func config(t *testing.T, c *etcdtest.Cluster, snap, stop, start string) *etcdrestore.Config {
	t.Helper()
	var members []cty.Value
	for _, m := range c.Members {
		members = append(members, cty.ObjectVal(map[string]cty.Value{
			"host": cty.StringVal("host-" + m.Name), "name": cty.StringVal(m.Name), "peer_url": cty.StringVal(m.PeerURL),
			"client_url": cty.StringVal(m.ClientURL()), "data_dir": cty.StringVal(m.DataDir),
		}))
	}
	return &etcdrestore.Config{
		SnapshotHost: "host-m1", Snapshot: snap, Token: "restored-current", Members: cty.ListVal(members),
		StopCommand: stop, StartCommand: start,
		CAFile: c.PKI.CAFile, CertFile: c.PKI.ClientCert, KeyFile: c.PKI.ClientKey,
		DialTimeout: "5s", CallTimeout: "10s", Wait: "90s",
	}
}

// checkRestored checks the restored cluster and the step's output.
func checkRestored(ctx context.Context, t *testing.T, c *etcdtest.Cluster, token string, out cty.Value) {
	t.Helper()
	if got, want := out.GetAttr("version").AsString(), strings.TrimPrefix(etcdtest.CurrentVersion, "v"); got != want {
		t.Errorf("version %q, want %s", got, want)
	}
	for _, m := range out.GetAttr("members").AsValueSlice() {
		if tool := m.GetAttr("tool").AsString(); tool != "etcdutl" {
			t.Errorf("%s restored with %q, want etcdutl", m.GetAttr("name").AsString(), tool)
		}
	}
	for _, m := range c.Members {
		if !exists(filepath.Join(m.DataDir+".pre-restore-"+token, "member")) {
			t.Errorf("%s: the old data dir is not kept aside", m.Name)
		}
	}
	cli := c.Client(t)
	keys, err := cli.Get(ctx, "/restore/", clientv3.WithPrefix())
	if err != nil || len(keys.Kvs) != 20 {
		t.Fatalf("restored keys: %v (%v)", keys, err)
	}
	if after, err := cli.Get(ctx, "/after-snapshot"); err != nil || len(after.Kvs) != 0 {
		t.Errorf("the key written after the snapshot: %v %v, want gone", after, err)
	}
	ml, err := cli.MemberList(ctx)
	if err != nil || len(ml.Members) != 3 {
		t.Errorf("member list %v %v", ml, err)
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
