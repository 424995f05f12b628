package rollingrestart_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mend-sh/mend/internal/labtest"
)

const runbook = "etcd-rolling-restart.mend.hcl"

type applyDoc struct {
	Failed bool `json:"failed"`
	Stages []struct {
		Name    string `json:"name"`
		Stopped string `json:"stopped"`
		Batches []struct {
			Number int      `json:"number"`
			Hosts  []string `json:"hosts"`
			Status string   `json:"status"`
			Reason string   `json:"reason"`
		} `json:"batches"`
	} `json:"stages"`
}

// TestRollingRestartInLab restarts the lab's real 3-member etcd 3.4
// cluster (runit, mutual TLS, through each member's sshd) with the stage
// in etcd-rolling-restart.mend.hcl: a healthy roll restarts all three,
// one after the other; when etcd-02 cannot come back (its run script now
// exits at once: a crash loop), the roll stops after batch 2 and etcd-03
// keeps its process.
func TestRollingRestartInLab(t *testing.T) {
	lab := labtest.Start(t, "127.0.3", true)
	bin := filepath.Join(t.TempDir(), "mend")
	build := exec.Command("go", "build", "-o", bin, "./cmd/mend")
	build.Dir = lab.Repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	auditLog := filepath.Join(t.TempDir(), "audit.jsonl")
	mend := func(args ...string) (string, string, int) {
		ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
		defer cancel()
		args = append(args[:1:1], append([]string{"-i", lab.Inventory(), "--var-file", lab.Vars(), "--audit-log", auditLog}, args[1:]...)...)
		cmd := exec.CommandContext(ctx, bin, append(args, runbook)...)
		cmd.Env = append(os.Environ(), "NO_COLOR=1")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("mend %v: %v", args, err)
		}
		return stdout.String(), stderr.String(), code
	}
	pids := func() map[string]string {
		out := map[string]string{}
		for _, h := range []string{"etcd-01", "etcd-02", "etcd-03"} {
			pid, err := lab.Run(time.Minute, "ssh", h, "cat /etc/lab/service/etcd/supervise/pid")
			if err != nil {
				t.Fatalf("pid of etcd on %s: %v\n%s", h, err, pid)
			}
			out[h] = strings.TrimSpace(pid)
		}
		return out
	}
	apply := func() applyDoc {
		stdout, stderr, _ := mend("apply", "-format", "json", "--approve", "repair.service.restart_etcd")
		var doc applyDoc
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil || len(doc.Stages) != 1 || len(doc.Stages[0].Batches) != 3 {
			t.Fatalf("apply json (%v):\n%s\n%s", err, stdout, stderr)
		}
		t.Logf("apply: %+v", doc.Stages[0])
		return doc
	}

	plan, stderr, code := mend("plan")
	t.Logf("plan (exit %d):\n%s%s", code, plan, stderr)
	for _, want := range []string{
		"stage restart_members (serial 1, max_failures 0): 3 hosts in 3 batches",
		"    batch 2: etcd-02 - planned",
		"etcd-01 (batch 1): ok",
		"etcd-03 (batch 3): change",
		"etcd-01 (after batch 2): deferred",
	} {
		if !strings.Contains(plan, want) || code != 0 {
			t.Fatalf("plan lacks %q (exit %d)", want, code)
		}
	}

	// A healthy roll: every member restarted, every batch done.
	before := pids()
	doc := apply()
	after := pids()
	if doc.Failed || doc.Stages[0].Stopped != "" {
		t.Fatalf("healthy roll failed: %+v", doc)
	}
	for i, b := range doc.Stages[0].Batches {
		if b.Status != "done" || len(b.Hosts) != 1 || b.Hosts[0] != []string{"etcd-01", "etcd-02", "etcd-03"}[i] {
			t.Errorf("batch %d: %+v", i+1, b)
		}
	}
	for h := range before {
		if before[h] == after[h] {
			t.Errorf("etcd on %s was not restarted (pid %s)", h, after[h])
		}
	}

	// etcd-02 will not come back after its restart: the roll stops after
	// batch 2 and etcd-03 is not touched.
	run := lab.HostPath("etcd-02", "etc-lab", "service", "etcd", "run")
	script, err := os.ReadFile(run)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(script), "exec 2>&1\n", "exec 2>&1\necho 'lab: etcd-02 broken by the test' >&2\nexit 1\n", 1)
	if broken == string(script) {
		t.Fatalf("unexpected run script:\n%s", script)
	}
	if err := os.WriteFile(run, []byte(broken), 0o755); err != nil {
		t.Fatal(err)
	}
	before = pids()
	doc = apply()
	after = pids()
	st := doc.Stages[0]
	if !doc.Failed || !strings.Contains(st.Stopped, "1 of 3 hosts failed (etcd-02 at repair.service.restart_etcd)") ||
		st.Batches[0].Status != "done" || st.Batches[1].Status != "failed" || st.Batches[2].Status != "not-run" {
		t.Fatalf("broken member did not stop the roll after its batch: %+v", st)
	}
	if before["etcd-01"] == after["etcd-01"] {
		t.Errorf("etcd-01 (batch 1) was not restarted")
	}
	if before["etcd-03"] != after["etcd-03"] {
		t.Errorf("etcd-03 was restarted (pid %s -> %s) after the roll should have stopped", before["etcd-03"], after["etcd-03"])
	}
	log, err := os.ReadFile(auditLog)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), `"reason":"batch 3 of 3 (etcd-03): not-run: the roll stopped after batch 2"`) {
		t.Errorf("audit log does not say batch 3 was not run")
	}
}
