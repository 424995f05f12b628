package puppet_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"

	"github.com/mend-sh/mend/steps"
	"github.com/mend-sh/mend/steps/puppet"
	"github.com/mend-sh/mend/transport/local"
)

// needPuppet skips without puppet, unless CI is set (CI installs it).
func needPuppet(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("puppet"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("puppet not installed")
		}
		t.Skip("puppet not installed")
	}
}

// masterless is a masterless puppet set-up in a temp dir, as in the lab:
// a wrapper script running `puppet apply` with every directory under dir,
// and a manifest that installs ca.pem from a source copy, mode 0444, and
// manages one more file.
type masterless struct {
	dir, wrapper, manifest, source, target, other, summary string
}

func newMasterless(t *testing.T) masterless {
	dir := t.TempDir()
	m := masterless{
		dir:      dir,
		wrapper:  filepath.Join(dir, "papply.sh"),
		manifest: filepath.Join(dir, "ca.pp"),
		source:   filepath.Join(dir, "source", "ca.pem"),
		target:   filepath.Join(dir, "ssl", "certs", "ca.pem"),
		other:    filepath.Join(dir, "ssl", "other.txt"),
		summary:  filepath.Join(dir, "public", "last_run_summary.yaml"),
	}
	var flags []string
	for _, d := range []string{"confdir", "codedir", "vardir", "logdir", "rundir", "publicdir"} {
		flags = append(flags, fmt.Sprintf("--%s %s/%s", d, dir, strings.TrimSuffix(d, "dir")))
	}
	write(t, m.wrapper, "#!/bin/sh\nexec puppet apply "+strings.Join(flags, " ")+" --color=false \"$@\"\n", 0o755)
	write(t, m.manifest, fmt.Sprintf("file { '%s': ensure => file, source => '%s', mode => '0444' }\nfile { '%s': ensure => file, content => \"managed\\n\" }\n", m.target, m.source, m.other), 0o644)
	write(t, m.source, "the etcd CA\n", 0o644)
	write(t, m.target, "the CA fixed by hand\n", 0o644) // drift: content and mode
	return m
}

func write(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

func (m masterless) noop(t *testing.T) (cty.Value, error) {
	t.Helper()
	cfg := &puppet.NoopConfig{
		Command:     m.wrapper + " --noop --detailed-exitcodes " + m.manifest,
		Paths:       []string{m.target, filepath.Join(m.dir, "unmanaged.pem")},
		SummaryFile: m.summary,
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	resp, err := puppet.Noop{}.Diagnose(ctx, steps.DiagnoseRequest{Config: cfg, Host: local.Host{}})
	return resp.Output, err
}

// TestMasterlessNoopRunNoop is the durability check of the incident with
// real puppet: noop sees the hand fix would be reverted, a run reverts
// it, and noop is then clean. Three puppet runs, about 4 s.
func TestMasterlessNoopRunNoop(t *testing.T) {
	needPuppet(t)
	m := newMasterless(t)

	out, err := m.noop(t)
	if err != nil {
		t.Fatal(err)
	}
	want := cty.ObjectVal(map[string]cty.Value{
		"would_change": cty.ListVal([]cty.Value{cty.StringVal(m.target)}),
		"clean":        cty.False,
		"resources":    cty.ListVal([]cty.Value{cty.StringVal("File[" + m.target + "]"), cty.StringVal("File[" + m.other + "]")}),
		"out_of_sync":  cty.NumberIntVal(2),
		"exit_code":    cty.NumberIntVal(0), // Puppet 7: 0 even with drift under --noop
	})
	if diff := cmp.Diff(want, out, ctyCmp); diff != "" {
		t.Errorf("noop with drift (-want +got):\n%s", diff)
	}
	if b, _ := os.ReadFile(m.target); string(b) != "the CA fixed by hand\n" {
		t.Fatalf("noop changed the target: %q", b)
	}

	cfg := &puppet.AgentConfig{Action: "run", Command: m.wrapper + " --detailed-exitcodes " + m.manifest, Lockfile: filepath.Join(m.dir, "no.lock")}
	plan, apply, err := agentStep(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := []any{plan.Action, plan.Preview.Command, apply.Changed, apply.Output.GetAttr("exit_code"), apply.Output.GetAttr("changed")}
	if diff := cmp.Diff([]any{steps.Change, cfg.Command, true, cty.NumberIntVal(2), cty.True}, got, ctyCmp); diff != "" {
		t.Errorf("run: plan action, command, changed, exit_code, changed (-want +got):\n%s", diff)
	}
	if fi, err := os.Stat(m.target); err != nil || fi.Mode().Perm() != 0o444 {
		t.Errorf("after the run: %v, mode %v; want mode 0444", err, fi.Mode())
	}

	out, err = m.noop(t)
	if err != nil {
		t.Fatal(err)
	}
	want = cty.ObjectVal(map[string]cty.Value{
		"would_change": cty.ListValEmpty(cty.String),
		"clean":        cty.True,
		"resources":    cty.ListValEmpty(cty.String),
		"out_of_sync":  cty.NumberIntVal(0),
		"exit_code":    cty.NumberIntVal(0),
	})
	if diff := cmp.Diff(want, out, ctyCmp); diff != "" {
		t.Errorf("noop after the run (-want +got):\n%s", diff)
	}
}

// TestRealAgentHonoursTheLock disables the agent by writing the lock file
// (not through puppet), then asks real `puppet agent` for a noop run: it
// must skip the run, quoting our reason, and puppet_noop must say so
// instead of reporting clean. One puppet run.
func TestRealAgentHonoursTheLock(t *testing.T) {
	needPuppet(t)
	dir := t.TempDir()
	lock := filepath.Join(dir, "var", "state", "agent_disabled.lock")
	write(t, filepath.Join(dir, "var", "state", ".keep"), "", 0o644)
	if _, _, err := agentStep(t, &puppet.AgentConfig{Action: "disable", Reason: "mend test: hand fix in place", Lockfile: lock}); err != nil {
		t.Fatal(err)
	}
	cmd := fmt.Sprintf("puppet agent --test --noop --color=false --confdir %[1]s/conf --vardir %[1]s/var --logdir %[1]s/log --rundir %[1]s/run", dir)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := puppet.Noop{}.Diagnose(ctx, steps.DiagnoseRequest{Config: &puppet.NoopConfig{Command: cmd}, Host: local.Host{}})
	want := "the agent is disabled, so the run was skipped: Notice: Skipping run of Puppet configuration client; administratively disabled (Reason: 'mend test: hand fix in place');"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error = %v, want it to contain %q", err, want)
	}
}

// TestRealNoopFileTitledByName: a File resource titled by a name, not its
// path (file { 'etcd-ca': path => ... }), is logged by puppet as
// File[etcd-ca]; the watched path it manages would change, so puppet_noop
// must not call the run clean (a review finding: it did). One puppet run.
func TestRealNoopFileTitledByName(t *testing.T) {
	needPuppet(t)
	m := newMasterless(t)
	manifest := filepath.Join(m.dir, "named.pp")
	write(t, manifest, fmt.Sprintf("file { 'etcd-ca': path => '%s', content => \"the etcd CA\\n\" }\n", m.target), 0o644)
	cfg := &puppet.NoopConfig{Command: m.wrapper + " --noop --detailed-exitcodes " + manifest, Paths: []string{m.target}, SummaryFile: m.summary}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	resp, err := puppet.Noop{}.Diagnose(ctx, steps.DiagnoseRequest{Config: cfg, Host: local.Host{}})
	if err != nil {
		t.Fatal(err)
	}
	want := cty.ObjectVal(map[string]cty.Value{
		"would_change": cty.ListValEmpty(cty.String),
		"clean":        cty.False,
		"resources":    cty.ListVal([]cty.Value{cty.StringVal("File[etcd-ca]")}),
		"out_of_sync":  cty.NumberIntVal(1),
		"exit_code":    cty.NumberIntVal(0),
	})
	if diff := cmp.Diff(want, resp.Output, ctyCmp); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	wantSummary := "puppet would change File[etcd-ca], which may manage a watched path"
	wantDetail := "File[etcd-ca] would change, and its title is not a path: it may manage a watched path, so the run is not clean"
	if resp.Summary != wantSummary || !slices.Contains(resp.Details, wantDetail) {
		t.Errorf("summary %q, details %q; want %q and the detail %q", resp.Summary, resp.Details, wantSummary, wantDetail)
	}
}
